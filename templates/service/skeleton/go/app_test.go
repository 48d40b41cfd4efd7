package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string, http.Header) {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header
}

func TestHealthz(t *testing.T) {
	srv := httptest.NewServer(newApp())
	defer srv.Close()
	code, body, _ := get(t, srv, "/healthz")
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil || code != 200 || got["status"] != "ok" {
		t.Fatalf("GET /healthz = %d %q", code, body)
	}
}

func TestHelloAndNotFound(t *testing.T) {
	srv := httptest.NewServer(newApp())
	defer srv.Close()
	if code, body, _ := get(t, srv, "/hello?name=Ada"); code != 200 || !strings.Contains(body, "Hello, Ada!") {
		t.Fatalf("GET /hello = %d %q", code, body)
	}
	if code, _, _ := get(t, srv, "/nope"); code != 404 {
		t.Fatalf("GET /nope = %d, want 404", code)
	}
}

func TestMetrics(t *testing.T) {
	srv := httptest.NewServer(newApp())
	defer srv.Close()
	get(t, srv, "/hello")
	code, body, header := get(t, srv, "/metrics")
	if code != 200 || !strings.HasPrefix(header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("GET /metrics = %d %s", code, header.Get("Content-Type"))
	}
	want := `http_requests_total{service="` + serviceName + `",method="GET",route="/hello",code="200"} 1`
	if !strings.Contains(body, want) {
		t.Fatalf("metrics lack %s:\n%s", want, body)
	}
	if !strings.Contains(body, `http_request_duration_seconds_bucket{service="`+serviceName+`",method="GET",route="/hello",le="+Inf"} 1`) {
		t.Fatalf("metrics lack the histogram:\n%s", body)
	}
}
