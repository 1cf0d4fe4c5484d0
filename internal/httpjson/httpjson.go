// Package httpjson writes JSON answers and JSON errors, the only body shapes
// the gateway sends to API clients.
package httpjson

import (
	"encoding/json"
	"net/http"
)

// Write sends v as a JSON body with the given status.
func Write(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v) // the client may be gone; nothing useful to do about it
}

// Error is an error answer: the status and public fields reach the client,
// Cause only the log.
type Error struct {
	Status int    // HTTP status
	Msg    string // public message, sent as "error"
	Reason string // optional machine-readable reason, sent as "reason"
	Layer  string // detection layer, when a layer blocked the request
	Kind   string // attack kind, when a layer blocked the request
	Cause  error  // internal cause, never sent
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Msg + ": " + e.Cause.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Cause }

// body is the JSON shape of an error answer.
type body struct {
	Error     string `json:"error"`
	Reason    string `json:"reason,omitempty"`
	Layer     string `json:"layer,omitempty"`
	Kind      string `json:"kind,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// WriteError sends e as {"error", "reason", "layer", "kind", "request_id"}.
func WriteError(w http.ResponseWriter, e *Error, requestID string) {
	Write(w, e.Status, body{Error: e.Msg, Reason: e.Reason, Layer: e.Layer, Kind: e.Kind, RequestID: requestID})
}
