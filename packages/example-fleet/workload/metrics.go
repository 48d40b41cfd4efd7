package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// durationBuckets are the upper bounds (seconds) of http_request_duration_seconds,
// the Prometheus client libraries' defaults: 5 ms … 10 s.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type counterKey struct{ code, method, path string }
type histKey struct{ method, path string }

type histogram struct {
	counts []uint64 // per bucket, not cumulative; len(durationBuckets)+1 (the last is +Inf)
	sum    float64
	count  uint64
}

// metrics are the process's request metrics, written by hand in the Prometheus text
// exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
type metrics struct {
	mu       sync.Mutex
	start    time.Time
	requests map[counterKey]uint64
	duration map[histKey]*histogram
}

func newMetrics() *metrics {
	return &metrics{start: time.Now(), requests: map[counterKey]uint64{}, duration: map[histKey]*histogram{}}
}

// observe counts one application request: status code, method, route and its duration in seconds.
func (m *metrics) observe(code, method, path string, seconds float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[counterKey{code, method, path}]++
	k := histKey{method, path}
	h := m.duration[k]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets)+1)}
		m.duration[k] = h
	}
	i := sort.SearchFloat64s(durationBuckets, seconds) // first bound >= seconds
	h.counts[i]++
	h.sum += seconds
	h.count++
}

// escape escapes a label value: backslash, double quote and line feed.
func escape(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// write writes every metric in the text format, families and series in a stable order.
func (m *metrics) write(out io.Writer) error {
	m.mu.Lock()
	reqKeys := make([]counterKey, 0, len(m.requests))
	reqVals := map[counterKey]uint64{}
	for k, v := range m.requests {
		reqKeys = append(reqKeys, k)
		reqVals[k] = v
	}
	histKeys := make([]histKey, 0, len(m.duration))
	hists := map[histKey]histogram{}
	for k, h := range m.duration {
		histKeys = append(histKeys, k)
		hists[k] = histogram{counts: append([]uint64(nil), h.counts...), sum: h.sum, count: h.count}
	}
	m.mu.Unlock()
	sort.Slice(reqKeys, func(i, j int) bool {
		a, b := reqKeys[i], reqKeys[j]
		return a.path+"\x00"+a.method+"\x00"+a.code < b.path+"\x00"+b.method+"\x00"+b.code
	})
	sort.Slice(histKeys, func(i, j int) bool {
		return histKeys[i].path+"\x00"+histKeys[i].method < histKeys[j].path+"\x00"+histKeys[j].method
	})

	w := bufio.NewWriter(out)
	fmt.Fprintln(w, "# HELP http_requests_total Application HTTP requests handled, by status code, method and route.")
	fmt.Fprintln(w, "# TYPE http_requests_total counter")
	for _, k := range reqKeys {
		fmt.Fprintf(w, "http_requests_total{code=\"%s\",method=\"%s\",path=\"%s\"} %d\n", escape(k.code), escape(k.method), escape(k.path), reqVals[k])
	}
	fmt.Fprintln(w, "# HELP http_request_duration_seconds Application HTTP request duration in seconds, by method and route.")
	fmt.Fprintln(w, "# TYPE http_request_duration_seconds histogram")
	for _, k := range histKeys {
		h := hists[k]
		labels := fmt.Sprintf("method=\"%s\",path=\"%s\"", escape(k.method), escape(k.path))
		var cumulative uint64
		for i, le := range durationBuckets {
			cumulative += h.counts[i]
			fmt.Fprintf(w, "http_request_duration_seconds_bucket{%s,le=\"%s\"} %d\n", labels, formatFloat(le), cumulative)
		}
		fmt.Fprintf(w, "http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, h.count)
		fmt.Fprintf(w, "http_request_duration_seconds_sum{%s} %s\n", labels, formatFloat(h.sum))
		fmt.Fprintf(w, "http_request_duration_seconds_count{%s} %d\n", labels, h.count)
	}
	fmt.Fprintln(w, "# HELP process_start_time_seconds Start time of the process since the Unix epoch in seconds.")
	fmt.Fprintln(w, "# TYPE process_start_time_seconds gauge")
	fmt.Fprintf(w, "process_start_time_seconds %s\n", formatFloat(float64(m.start.UnixMilli())/1000))
	return w.Flush()
}

// lockedRand is a math/rand source safe for concurrent handlers.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newLockedRand(seed int64) *lockedRand {
	return &lockedRand{r: rand.New(rand.NewSource(seed))}
}

func (l *lockedRand) Float64() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64()
}

func (l *lockedRand) ExpFloat64() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.ExpFloat64()
}

func (l *lockedRand) Int63() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Int63()
}
