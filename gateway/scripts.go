package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/bulwarkhq/bulwark/internal/httpjson"
	"github.com/bulwarkhq/bulwark/script"
)

// runScript answers POST /api/scripts/run: the script runs in the sandbox and
// the answer is the `bulwark exec --json` object.
func (g *Gateway) runScript(w http.ResponseWriter, r *http.Request) {
	if _, ok := g.requireSession(w, r); !ok {
		return
	}
	if g.d.Scripts == nil {
		g.deny(w, r, &httpjson.Error{Status: http.StatusServiceUnavailable,
			Msg: "the script sandbox is not available on this server (see bulwark doctor)", Reason: "sandbox_unavailable"})
		return
	}
	var req script.Request
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if e := g.bodyError(err); e.Status == http.StatusRequestEntityTooLarge {
			g.deny(w, r, e)
			return
		}
		g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest,
			Msg:    `want {"language": "python|sh|node", "code": "...", "stdin"?, "timeout_s"?, "memory_limit_mb"?}`,
			Reason: "bad_request"})
		return
	}
	res, err := g.d.Scripts.Run(r.Context(), req)
	var reqErr *script.RequestError
	switch {
	case errors.As(err, &reqErr):
		g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest, Msg: reqErr.Error(), Reason: "bad_request"})
		return
	case errors.Is(err, script.ErrBusy):
		g.metrics.ScriptRuns.WithLabelValues("busy").Inc()
		w.Header().Set("Retry-After", "1")
		g.log.Warn("script queue full", "req_id", info(r).id, "user", info(r).user)
		g.deny(w, r, &httpjson.Error{Status: http.StatusTooManyRequests,
			Msg: "too many scripts running, try again shortly", Reason: "queue_full"})
		return
	case err != nil:
		res = script.Result{Status: "sandbox_error", ExitCode: -1, Stderr: "sandbox failed: " + err.Error()}
		g.log.Error("sandbox failed", "req_id", info(r).id, "error", err)
	}
	g.metrics.ScriptRuns.WithLabelValues(res.Status).Inc()
	g.events.add(Event{Type: "script", Layer: "sandbox", Kind: res.Status, Path: r.URL.Path, User: info(r).user,
		ReqID: info(r).id, Detail: fmt.Sprintf("%s exit %d, %d ms wall, %d ms cpu", req.Language, res.ExitCode,
			res.WallMS, res.CPUMS)})
	attrs := []any{"req_id", info(r).id, "user", info(r).user, "language", req.Language,
		"status", res.Status, "exit_code", res.ExitCode, "wall_ms", res.WallMS, "cpu_ms", res.CPUMS,
		"max_rss_kb", res.MaxRSSKB}
	switch res.Status {
	case "timeout":
		g.log.Info("script run ended by timeout", attrs...)
	case "memory_limit", "output_limit":
		g.log.Info("script run ended by resource limit", attrs...)
	default:
		g.log.Log(r.Context(), slog.LevelInfo, "script run finished", attrs...)
	}
	httpjson.Write(w, http.StatusOK, res)
}
