# Go for the golden-path template's Go skeleton test
# (plugins/scaffolder-backend-module-slipway/src/skeletons.test.ts).
command -v go >/dev/null || apt_install golang-go
