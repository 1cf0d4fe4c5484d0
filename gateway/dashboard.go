package gateway

import (
	"net/http"
	"strconv"
	"time"

	"github.com/bulwarkhq/bulwark/internal/httpjson"
)

// dashboardRoutes registers the dashboard's JSON API. Every route needs a
// session.
func (g *Gateway) dashboardRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/dashboard/summary", g.dashboardSummary)
	m.HandleFunc("GET /api/dashboard/events", g.dashboardEvents)
}

// dashboardSummary answers totals by "type/layer/kind" since start and the
// per-minute counts of the last hour.
func (g *Gateway) dashboardSummary(w http.ResponseWriter, r *http.Request) {
	if _, ok := g.requireSession(w, r); !ok {
		return
	}
	totals, series := g.events.counts(time.Now(), 60)
	httpjson.Write(w, http.StatusOK, map[string]any{"totals": totals, "per_minute": series})
}

// dashboardEvents answers the events after ?after=ID, oldest first.
func (g *Gateway) dashboardEvents(w http.ResponseWriter, r *http.Request) {
	if _, ok := g.requireSession(w, r); !ok {
		return
	}
	after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	httpjson.Write(w, http.StatusOK, map[string]any{"events": g.events.since(after)})
}
