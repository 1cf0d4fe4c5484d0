package intent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/bulwarkhq/bulwark/scan"
)

// DefaultFields are the JSON keys whose string values CheckPrompts reads when
// no fields are given, at any depth. OpenAI-style messages[].content is
// covered by "content", in both its string and its list-of-parts forms.
var DefaultFields = []string{"message", "prompt", "content", "input", "query"}

// trustedRoles are chat roles whose content CheckPrompts skips: the
// application's own system prompt and the assistant's earlier replies.
//
// TODO: a proxy in front of a raw model API lets the client write system
// messages too; add a setting to check them once the gateway config has a
// place for it.
var trustedRoles = []string{"system", "developer", "assistant"}

// CheckPrompts judges the prompts inside a JSON request body: the string
// values of the given keys at any depth (DefaultFields when fields is
// empty), skipping messages whose role is system, developer or assistant.
// Each finding names its field, e.g. "messages[1].content". It returns an
// error only when the body is not JSON.
func (d *Detector) CheckPrompts(ctx context.Context, body []byte,
	fields []string) (scan.Verdict, error) {
	if len(fields) == 0 {
		fields = DefaultFields
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return scan.Verdict{}, fmt.Errorf("parse prompts: %v", err)
	}
	var ps []prompt
	collect(&ps, v, "", fields, false)
	out := scan.Verdict{Allowed: true, Findings: []scan.Finding{}}
	for _, p := range ps {
		pv := d.Check(ctx, p.text)
		out.Allowed = out.Allowed && pv.Allowed
		for _, f := range pv.Findings {
			f.Field = p.path
			out.Findings = append(out.Findings, f)
		}
	}
	return out, nil
}

type prompt struct{ path, text string }

// collect walks a decoded JSON value. take says the value sits under one of
// the prompt fields, so its strings are prompts.
func collect(ps *[]prompt, v any, path string, fields []string, take bool) {
	switch x := v.(type) {
	case string:
		if take {
			*ps = append(*ps, prompt{path, x})
		}
	case []any:
		for i, e := range x {
			collect(ps, e, path+"["+strconv.Itoa(i)+"]", fields, take)
		}
	case map[string]any:
		if role, ok := x["role"].(string); ok && slices.Contains(trustedRoles, role) {
			return
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			// Inside a prompt field, parts such as {"type":"text","text":...}
			// carry the prompt under "text"; other keys (type, url) do not.
			sub := slices.Contains(fields, k) || take && k == "text"
			collect(ps, x[k], p, fields, sub)
		}
	}
}
