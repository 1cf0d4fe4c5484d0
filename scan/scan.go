// Package scan holds the vocabulary shared by bulwark's detection layers: the
// layers, the kinds of attack they name, the findings they report and the
// verdict a caller acts on.
//
// The detector packages (validate for the input layer, intent for the intent
// layer) return [Verdict] values built from these types, so the gateway and
// the `bulwark scan` command treat every layer the same way.
package scan

// Layer names the detection layer that produced a finding.
type Layer string

// The layers, spelled as in the outside contract.
const (
	LayerInput  Layer = "input"
	LayerIntent Layer = "intent"
)

// Kind names a family of attack. The constants are spelled exactly as in the
// outside contract.
type Kind string

// Kinds of the input layer.
const (
	SQLi          Kind = "sqli"
	XSS           Kind = "xss"
	NoSQLi        Kind = "nosqli"
	CmdI          Kind = "cmdi"
	PathTraversal Kind = "path_traversal"
	SSTI          Kind = "ssti"
	CRLF          Kind = "crlf"
	LDAP          Kind = "ldap"
	XPath         Kind = "xpath"
)

// Kinds of the intent layer.
const (
	PromptInjection    Kind = "prompt_injection"
	Jailbreak          Kind = "jailbreak"
	SystemManipulation Kind = "system_manipulation"
)

// InputKinds lists the kinds of the input layer in a fixed order.
var InputKinds = []Kind{SQLi, XSS, NoSQLi, CmdI, PathTraversal, SSTI, CRLF, LDAP, XPath}

// IntentKinds lists the kinds of the intent layer in a fixed order.
var IntentKinds = []Kind{PromptInjection, Jailbreak, SystemManipulation}

// Action says what a layer does about a finding.
type Action string

// Actions, from strongest to weakest. A finding whose kind is switched off is
// not reported at all.
const (
	Block Action = "block" // the request is refused
	Flag  Action = "flag"  // the request passes, the finding is logged and counted
)

// Finding is one thing a detector matched.
type Finding struct {
	Layer  Layer   `json:"layer"`
	Kind   Kind    `json:"kind"`
	Score  float64 `json:"score"`            // confidence in 0..1
	Detail string  `json:"detail"`           // short explanation of what matched, never the raw payload in full
	Action Action  `json:"action,omitempty"` // what the layer's configuration does with it
	Field  string  `json:"field,omitempty"`  // where in a structured body it was found, e.g. "messages[0].content"
}

// Verdict is a layer's answer for one input.
type Verdict struct {
	Allowed  bool      `json:"allowed"`
	Findings []Finding `json:"findings"`
}

// Blocking returns the first finding whose action is [Block], or false when
// there is none.
func (v Verdict) Blocking() (Finding, bool) {
	for _, f := range v.Findings {
		if f.Action == Block {
			return f, true
		}
	}
	return Finding{}, false
}

// Merge combines the verdicts of several layers: the result is allowed only
// when every part is, and the findings keep the order of the parts.
func Merge(vs ...Verdict) Verdict {
	out := Verdict{Allowed: true, Findings: []Finding{}}
	for _, v := range vs {
		out.Allowed = out.Allowed && v.Allowed
		out.Findings = append(out.Findings, v.Findings...)
	}
	return out
}
