package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/bulwarkhq/bulwark/internal/httpjson"
	"github.com/bulwarkhq/bulwark/scan"
	"github.com/bulwarkhq/bulwark/validate"
)

// chatRequest is the body of POST /api/chat.
type chatRequest struct {
	Message string `json:"message"`
}

// chatAnswer is the 200 answer of POST /api/chat. Findings lists what the
// layers flagged without blocking, so a client can show the verdicts.
type chatAnswer struct {
	Reply     string         `json:"reply"`
	Findings  []scan.Finding `json:"findings"`
	RequestID string         `json:"request_id"`
}

// chat answers POST /api/chat with the demo assistant, after the input and
// intent layers have passed the message.
func (g *Gateway) chat(w http.ResponseWriter, r *http.Request) {
	s, ok := g.requireSession(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(r.Body) // bounded by the body limit
	if err != nil {
		g.deny(w, r, g.bodyError(err))
		return
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD, so the
	// layers would judge other text than the bytes that were sent.
	if !utf8.Valid(body) {
		g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest, Msg: "message is not valid UTF-8", Reason: "bad_request"})
		return
	}
	var req chatRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest, Msg: `want {"message": "..."}`, Reason: "bad_request"})
		return
	}
	if strings.TrimSpace(req.Message) == "" {
		g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest, Msg: "message is empty", Reason: "bad_request"})
		return
	}
	v := g.checkText(r.Context(), req.Message)
	if !g.enforce(w, r, v) {
		return
	}
	httpjson.Write(w, http.StatusOK, chatAnswer{Reply: demoReply(s.User, req.Message), Findings: v.Findings,
		RequestID: info(r).id})
}

// checkText runs the input layer (chat context) and the intent layer on one
// text.
func (g *Gateway) checkText(ctx context.Context, text string) scan.Verdict {
	var vs []scan.Verdict
	if g.d.Input != nil {
		vs = append(vs, g.d.Input.Check(text, validate.Context(g.cfg.Input.ChatContext)))
	}
	if g.d.Intent != nil {
		vs = append(vs, g.d.Intent.Check(ctx, text))
	}
	return scan.Merge(vs...)
}

// enforce logs and counts every finding of v and, when v blocks, answers 400
// and returns false.
func (g *Gateway) enforce(w http.ResponseWriter, r *http.Request, v scan.Verdict) bool {
	for _, f := range v.Findings {
		g.metrics.Blocks.WithLabelValues(string(f.Layer), string(f.Kind), string(f.Action)).Inc()
		g.events.add(Event{Type: string(f.Action), Layer: string(f.Layer), Kind: string(f.Kind), Score: f.Score,
			Detail: f.Detail, Path: r.URL.Path, User: info(r).user, ReqID: info(r).id})
		g.logFinding(r, f)
	}
	f, blocked := v.Blocking()
	if !blocked {
		return true
	}
	msg := "input validation failed: possible " + string(f.Kind)
	if f.Layer == scan.LayerIntent {
		msg = "request blocked: possible " + strings.ReplaceAll(string(f.Kind), "_", " ")
	}
	w.Header().Set("Cache-Control", "no-store")
	httpjson.Write(w, http.StatusBadRequest, blockAnswer{Error: msg, Layer: string(f.Layer), Kind: string(f.Kind),
		Score: f.Score, Detail: f.Detail, Findings: v.Findings, RequestID: info(r).id})
	return false
}

// blockAnswer is the 400 answer when a layer blocks; error, layer, kind and
// request_id are the contract, the rest helps clients explain the block.
type blockAnswer struct {
	Error     string         `json:"error"`
	Layer     string         `json:"layer"`
	Kind      string         `json:"kind"`
	Score     float64        `json:"score"`
	Detail    string         `json:"detail"`
	Findings  []scan.Finding `json:"findings"`
	RequestID string         `json:"request_id"`
}

// logFinding writes the log line operators grep for: "validation failed" for
// the input layer, "SECURITY" and "Blocking unsafe" for the intent layer. The
// payload itself is never logged.
func (g *Gateway) logFinding(r *http.Request, f scan.Finding) {
	attrs := []slog.Attr{
		slog.String("req_id", info(r).id),
		slog.String("layer", string(f.Layer)),
		slog.String("kind", string(f.Kind)),
		slog.Float64("score", f.Score),
		slog.String("action", string(f.Action)),
		slog.String("detail", f.Detail),
		slog.String("path", r.URL.Path),
		slog.String("user", info(r).user),
		slog.String("remote_addr", r.RemoteAddr),
	}
	if f.Field != "" {
		attrs = append(attrs, slog.String("field", f.Field))
	}
	var msg string
	switch {
	case f.Layer == scan.LayerIntent && f.Action == scan.Block:
		msg = "SECURITY: Blocking unsafe request"
	case f.Layer == scan.LayerIntent:
		msg = "SECURITY: suspicious request allowed (flag mode)"
	case f.Action == scan.Block:
		msg = "input validation failed"
	default:
		msg = "input validation flagged (flag mode)"
	}
	g.log.LogAttrs(r.Context(), slog.LevelInfo, msg, attrs...)
}

// demoReply is the built-in assistant: deterministic, no model, enough to
// show the gateway working.
func demoReply(user, message string) string {
	words := len(strings.Fields(message))
	first := message
	if utf8.RuneCountInString(first) > 60 {
		first = string([]rune(first)[:60]) + "…"
	}
	return fmt.Sprintf("Hello %s, this is bulwark's demo assistant. Your message had %d words and "+
		"passed every security layer: %q. Point `bulwark serve --upstream URL` at your own backend "+
		"to protect a real assistant.", user, words, first)
}
