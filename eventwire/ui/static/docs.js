// Swagger UI over /openapi.json, from the locally installed swagger-ui-dist (no CDN).
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
