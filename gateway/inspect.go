package gateway

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/bulwarkhq/bulwark/internal/httpjson"
	"github.com/bulwarkhq/bulwark/scan"
	"github.com/bulwarkhq/bulwark/validate"
)

// inspectForward runs the detection layers on a request bound for the
// upstream: the path (traversal), the query string and, for bodies, every
// JSON or form field. It answers and returns false when a layer blocks.
func (g *Gateway) inspectForward(w http.ResponseWriter, r *http.Request) bool {
	var vs []scan.Verdict
	if g.d.Input != nil {
		vs = append(vs, g.d.Input.CheckPath(r.URL.Path))
		if r.URL.RawQuery != "" {
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest, Msg: "malformed query string",
					Reason: "bad_request"})
				return false
			}
			vs = append(vs, g.d.Input.CheckForm(q, g.proxyContext()))
		}
	}
	if hasBody(r) && (g.d.Input != nil || g.d.Intent != nil) {
		body, err := bufferBody(r)
		if err != nil {
			g.deny(w, r, g.bodyError(err))
			return false
		}
		v, ok := g.inspectBody(w, r, body)
		if !ok {
			return false
		}
		vs = append(vs, v...)
	}
	return g.enforce(w, r, scan.Merge(vs...))
}

func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

// inspectBody checks a JSON or form body. Other content types pass through:
// the layers judge text fields, not files.
func (g *Gateway) inspectBody(w http.ResponseWriter, r *http.Request, body []byte) ([]scan.Verdict, bool) {
	var vs []scan.Verdict
	switch ct := r.Header.Get("Content-Type"); {
	case isJSON(r):
		if g.d.Input != nil {
			v, err := g.d.Input.CheckJSON(body, g.proxyContext())
			if err != nil {
				g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest, Msg: "invalid JSON body: " + err.Error(),
					Reason: "bad_json"})
				return nil, false
			}
			vs = append(vs, v)
		}
		if g.d.Intent != nil {
			v, err := g.d.Intent.CheckPrompts(r.Context(), body, g.cfg.Intent.PromptFields)
			if err != nil {
				g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest, Msg: "invalid JSON body: " + err.Error(),
					Reason: "bad_json"})
				return nil, false
			}
			vs = append(vs, v)
		}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		form, err := url.ParseQuery(string(body))
		if err != nil {
			g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest, Msg: "malformed form body", Reason: "bad_request"})
			return nil, false
		}
		if g.d.Input != nil {
			vs = append(vs, g.d.Input.CheckForm(form, g.proxyContext()))
		}
	}
	return vs, true
}

func (g *Gateway) proxyContext() validate.Context { return validate.Context(g.cfg.Input.ProxyContext) }
