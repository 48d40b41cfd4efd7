// Command workload is the Slipway example fleet's demo service: one small HTTP server
// whose behaviour is set per artifact through environment variables, so that every
// example service (payment-gateway, ledger, …) runs real code with real metrics.
//
// Routes:
//
//	GET  /         a JSON summary of some work done per request (hashing, sorting)
//	POST /         the same work on the posted JSON body ({"items": n})
//	GET  /healthz  liveness: 200 while the process runs
//	GET  /readyz   readiness: 503 until READY_DELAY_SECONDS have passed, then 200
//	GET  /metrics  Prometheus text exposition format 0.0.4
//
// Environment:
//
//	PORT                 listen port (default 8080)
//	SERVICE_NAME         name used in logs and answers (default "workload")
//	VERSION              artifact id, logged at start and answered on /
//	ENVIRONMENT          environment name, logged at start
//	ERROR_RATIO          fraction 0..1 of application requests answered 500/503
//	LATENCY_MS           mean latency added to application requests, in ms (exponential)
//	READY_DELAY_SECONDS  seconds before /readyz answers 200
//	CRASH_AT_START       "1"/"true": log a few start-up lines and exit with status 1
//	CRASH_MESSAGE        the fatal configuration error logged before that exit
//
// Only the standard library is used (Go 1.19), so the binary builds offline and runs
// FROM scratch when built with CGO_ENABLED=0.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// config is the behaviour read from the environment.
type config struct {
	port         string
	service      string
	version      string
	environment  string
	errorRatio   float64
	latency      time.Duration
	readyDelay   time.Duration
	crashAtStart bool
	crashMessage string
}

func envFloat(name string, def, min, max float64) (float64, error) {
	raw := strings.TrimSpace(os.Getenv(name))
	if raw == "" {
		return def, nil
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(v) || v < min || v > max {
		return 0, fmt.Errorf("%s must be a number from %g to %g, got %q", name, min, max, raw)
	}
	return v, nil
}

func envBool(name string) bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(name))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func envString(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

func loadConfig() (config, error) {
	c := config{
		port:         envString("PORT", "8080"),
		service:      envString("SERVICE_NAME", "workload"),
		version:      envString("VERSION", "dev"),
		environment:  envString("ENVIRONMENT", "local"),
		crashAtStart: envBool("CRASH_AT_START"),
		crashMessage: envString("CRASH_MESSAGE", "config: required variable DATABASE_URL is not set"),
	}
	var err error
	if c.errorRatio, err = envFloat("ERROR_RATIO", 0, 0, 1); err != nil {
		return c, err
	}
	ms, err := envFloat("LATENCY_MS", 0, 0, 60000)
	if err != nil {
		return c, err
	}
	c.latency = time.Duration(ms * float64(time.Millisecond))
	secs, err := envFloat("READY_DELAY_SECONDS", 0, 0, 86400)
	if err != nil {
		return c, err
	}
	c.readyDelay = time.Duration(secs * float64(time.Second))
	if p, err := strconv.Atoi(c.port); err != nil || p < 0 || p > 65535 {
		return c, fmt.Errorf("PORT must be a TCP port, got %q", c.port)
	}
	return c, nil
}

// logf writes one log line: RFC 3339 time (UTC, milliseconds), level, message.
func logf(level, format string, args ...interface{}) {
	fmt.Fprintf(os.Stdout, "%s %-5s %s\n", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), level, fmt.Sprintf(format, args...))
}

// crash prints the start-up lines of a service whose configuration is broken and exits 1,
// as a real service does when a required setting is missing.
func crash(c config) {
	logf("INFO", "starting %s version=%s environment=%s go=%s", c.service, c.version, c.environment, runtime.Version())
	time.Sleep(150 * time.Millisecond)
	logf("INFO", "loading configuration from environment")
	time.Sleep(150 * time.Millisecond)
	logf("ERROR", "%s", c.crashMessage)
	logf("FATAL", "exiting: invalid configuration")
	os.Exit(1)
}

// work is the JSON answer of the application route: a small, deterministic amount of CPU.
type work struct {
	Service     string `json:"service"`
	Version     string `json:"version"`
	Environment string `json:"environment"`
	Items       int    `json:"items"`
	Checksum    string `json:"checksum"`
	Top         []int  `json:"top"`
}

func doWork(c config, n int, seed int64) work {
	r := rand.New(rand.NewSource(seed))
	values := make([]int, n)
	h := sha256.New()
	for i := range values {
		values[i] = r.Intn(1_000_000)
		fmt.Fprintf(h, "%d,", values[i])
	}
	sort.Sort(sort.Reverse(sort.IntSlice(values)))
	top := values
	if len(top) > 5 {
		top = top[:5]
	}
	return work{
		Service:     c.service,
		Version:     c.version,
		Environment: c.environment,
		Items:       n,
		Checksum:    hex.EncodeToString(h.Sum(nil))[:16],
		Top:         top,
	}
}

// server holds the behaviour and the metrics of one process.
type server struct {
	cfg     config
	started time.Time
	metrics *metrics
	rnd     *lockedRand
}

func (s *server) ready() bool {
	return time.Since(s.started) >= s.cfg.readyDelay
}

func writeJSON(w http.ResponseWriter, code int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// app handles the application route, with the configured latency and error ratio.
func (s *server) app(w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
		return http.StatusMethodNotAllowed
	}
	n := 50
	if r.Method == http.MethodPost {
		var body struct {
			Items int `json:"items"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be JSON like {\"items\": 20}"})
			return http.StatusBadRequest
		}
		n = body.Items
	} else if q := r.URL.Query().Get("items"); q != "" {
		v, err := strconv.Atoi(q)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "items must be an integer"})
			return http.StatusBadRequest
		}
		n = v
	}
	if n < 1 || n > 1000 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "items must be from 1 to 1000"})
		return http.StatusBadRequest
	}
	if s.cfg.latency > 0 {
		d := time.Duration(s.rnd.ExpFloat64() * float64(s.cfg.latency))
		if d > 20*s.cfg.latency {
			d = 20 * s.cfg.latency
		}
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
	}
	if s.cfg.errorRatio > 0 && s.rnd.Float64() < s.cfg.errorRatio {
		code := http.StatusInternalServerError
		msg := "upstream call failed: connection reset by peer"
		if s.rnd.Float64() < 0.25 {
			code = http.StatusServiceUnavailable
			msg = "connection pool exhausted"
		}
		logf("ERROR", "%s %s -> %d: %s", r.Method, r.URL.Path, code, msg)
		writeJSON(w, code, map[string]string{"error": msg})
		return code
	}
	writeJSON(w, http.StatusOK, doWork(s.cfg, n, s.rnd.Int63()))
	return http.StatusOK
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz":
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return
	case "/readyz":
		if !s.ready() {
			left := s.cfg.readyDelay - time.Since(s.started)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{
				"status": "warming up", "readyIn": left.Round(time.Second).String(),
			})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
		return
	case "/metrics":
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_ = s.metrics.write(w)
		return
	}
	start := time.Now()
	var code int
	path := "/"
	if r.URL.Path == "/" {
		code = s.app(w, r)
	} else {
		path = "unmatched"
		code = http.StatusNotFound
		writeJSON(w, code, map[string]string{"error": "not found"})
	}
	s.metrics.observe(strconv.Itoa(code), r.Method, path, time.Since(start).Seconds())
}

func main() {
	cfg, err := loadConfig()
	if err != nil {
		logf("FATAL", "%v", err)
		os.Exit(2)
	}
	if cfg.crashAtStart {
		crash(cfg)
	}
	s := &server{cfg: cfg, started: time.Now(), metrics: newMetrics(), rnd: newLockedRand(time.Now().UnixNano())}
	srv := &http.Server{
		Addr:              ":" + cfg.port,
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	logf("INFO", "starting %s version=%s environment=%s go=%s", cfg.service, cfg.version, cfg.environment, runtime.Version())
	logf("INFO", "behaviour error_ratio=%g latency_ms=%d ready_delay_s=%g", cfg.errorRatio, cfg.latency.Milliseconds(), cfg.readyDelay.Seconds())
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		sig := <-stop
		logf("INFO", "received %s, shutting down", sig)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	if cfg.readyDelay > 0 {
		logf("INFO", "warming caches; ready in %s", cfg.readyDelay)
		time.AfterFunc(cfg.readyDelay, func() { logf("INFO", "ready to serve traffic") })
	}
	logf("INFO", "listening on :%s", cfg.port)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logf("FATAL", "listen: %v", err)
		os.Exit(1)
	}
	logf("INFO", "stopped")
}
