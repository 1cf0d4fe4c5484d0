// Package metrics registers bulwark's Prometheus collectors in one place.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the gateway's collectors. Each Metrics has its own registry,
// so tests and several gateways in one process do not collide.
type Metrics struct {
	reg *prometheus.Registry

	Requests      *prometheus.CounterVec   // route, method, code
	Latency       *prometheus.HistogramVec // route
	Blocks        *prometheus.CounterVec   // layer, kind, action
	CSRF          *prometheus.CounterVec   // reason
	Logins        *prometheus.CounterVec   // result
	ScriptRuns    *prometheus.CounterVec   // status
	RateLimited   *prometheus.CounterVec   // route
	UpstreamError *prometheus.CounterVec   // kind
	StoreErrors   *prometheus.CounterVec   // store, op
}

// New creates and registers every collector, plus the Go runtime and process
// collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_http_requests_total", Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bulwark_http_request_duration_seconds",
			Help:    "Time from the first byte read to the handler's return, by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
		Blocks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_detections_total", Help: "Findings by layer, kind and action (block or flag).",
		}, []string{"layer", "kind", "action"}),
		CSRF: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_csrf_rejections_total", Help: "Requests refused by the CSRF layers, by reason.",
		}, []string{"reason"}),
		Logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_logins_total", Help: "Login attempts by result.",
		}, []string{"result"}),
		ScriptRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_script_runs_total", Help: "Sandboxed script runs by final status.",
		}, []string{"status"}),
		RateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_rate_limited_total", Help: "Requests refused by a rate limit, by route.",
		}, []string{"route"}),
		UpstreamError: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_upstream_errors_total", Help: "Failed forwards to the upstream, by kind.",
		}, []string{"kind"}),
		StoreErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_store_errors_total", Help: "Failed operations on the session or rate-limit store.",
		}, []string{"store", "op"}),
	}
	m.reg.MustRegister(m.Requests, m.Latency, m.Blocks, m.CSRF, m.Logins, m.ScriptRuns,
		m.RateLimited, m.UpstreamError, m.StoreErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
