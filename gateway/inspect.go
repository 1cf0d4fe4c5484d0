package gateway

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

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
			vs = append(vs, g.byField(r, func(c validate.Context) (scan.Verdict, error) {
				return g.d.Input.CheckForm(q, c), nil
			}))
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
		// encoding/json reads invalid UTF-8 as U+FFFD: the layers would
		// judge other text than the bytes the upstream receives.
		if !utf8.Valid(body) {
			g.deny(w, r, &httpjson.Error{Status: http.StatusBadRequest, Msg: "invalid JSON body: not valid UTF-8",
				Reason: "bad_json"})
			return nil, false
		}
		if g.d.Input != nil {
			v, err := g.byFieldErr(r, func(c validate.Context) (scan.Verdict, error) {
				return g.d.Input.CheckJSON(body, c)
			})
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
			vs = append(vs, g.byField(r, func(c validate.Context) (scan.Verdict, error) {
				return g.d.Input.CheckForm(form, c), nil
			}))
		}
	}
	return vs, true
}

// routeContext is the context of the fields of r: the longest matching
// input.routes prefix, else input.proxy_context.
func (g *Gateway) routeContext(r *http.Request) validate.Context {
	best, ctx := -1, g.cfg.Input.ProxyContext
	for p, c := range g.cfg.Input.Routes {
		if strings.HasPrefix(r.URL.Path, p) && len(p) > best {
			best, ctx = len(p), c
		}
	}
	return validate.Context(ctx)
}

// byField runs check in the route's context and, when input.fields names
// fields, in the other context too, keeping for each finding the verdict
// of its field's own context.
func (g *Gateway) byField(r *http.Request, check func(validate.Context) (scan.Verdict, error)) scan.Verdict {
	v, _ := g.byFieldErr(r, check)
	return v
}

func (g *Gateway) byFieldErr(r *http.Request, check func(validate.Context) (scan.Verdict, error)) (scan.Verdict, error) {
	base := g.routeContext(r)
	v, err := check(base)
	if err != nil || len(g.cfg.Input.Fields) == 0 {
		return v, err
	}
	other := validate.Strict
	if base == validate.Strict {
		other = validate.Chat
	}
	w, err := check(other)
	if err != nil {
		return v, err
	}
	out := scan.Verdict{Allowed: true, Findings: []scan.Finding{}}
	keep := func(fs []scan.Finding, c validate.Context) {
		for _, f := range fs {
			if g.fieldContext(f.Field, base) == c {
				out.Findings = append(out.Findings, f)
				out.Allowed = out.Allowed && f.Action != scan.Block
			}
		}
	}
	keep(v.Findings, base)
	keep(w.Findings, other)
	return out, nil
}

// fieldContext is the configured context of a field path, by full path or
// by last key, else def.
func (g *Gateway) fieldContext(path string, def validate.Context) validate.Context {
	if c, ok := g.cfg.Input.Fields[path]; ok {
		return validate.Context(c)
	}
	last := path
	if i := strings.LastIndexAny(path, ".]"); i >= 0 {
		last = path[i+1:]
	}
	if c, ok := g.cfg.Input.Fields[last]; ok {
		return validate.Context(c)
	}
	return def
}
