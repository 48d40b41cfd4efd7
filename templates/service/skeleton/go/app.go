package main

import (
	"encoding/json"
	"net/http"
	"time"
)

// serviceName is the `service` label of every metric.
const serviceName = "${{ values.name }}"

// newApp returns the service's handler: GET /hello?name= (JSON greeting), GET /healthz
// (200 {"status":"ok"}) and GET /metrics (Prometheus text format 0.0.4), every request
// counted in http_requests_total and timed in http_request_duration_seconds.
func newApp() http.Handler {
	m := newMetrics(serviceName)
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "world"
		}
		writeJSON(w, http.StatusOK, map[string]string{"message": "Hello, " + name + "!"})
	})
	mux.Handle("/metrics", m)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		route := r.URL.Path
		switch route {
		case "/healthz", "/hello", "/metrics":
			mux.ServeHTTP(rec, r)
		default:
			route = "other"
			writeJSON(rec, http.StatusNotFound, map[string]string{"message": "no route " + r.Method + " " + r.URL.Path})
		}
		m.observe(r.Method, route, rec.status, time.Since(start).Seconds())
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, body interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
