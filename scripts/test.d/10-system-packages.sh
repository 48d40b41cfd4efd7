# Headless Chromium for the end-to-end tests; mkdocs + mkdocs-material for TechDocs.
command -v chromium >/dev/null || apt_install chromium
command -v mkdocs >/dev/null || apt_install mkdocs mkdocs-material
