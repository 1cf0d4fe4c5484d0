// Package waf puts the OWASP Core Rule Set (CRS), run by the Coraza engine,
// in front of an HTTP handler: an optional full web application firewall
// for operators who want its broader coverage and accept its cost.
//
// Compared with package validate it covers more attack classes (RFI, PHP,
// Java and Node code injection, protocol anomalies, scanners) but blocks far
// more ordinary chat at paranoia level 2 and takes milliseconds per request;
// see docs/validate.md for measured figures. It is off unless the operator
// asks for it (bulwark serve --waf crs).
package waf

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/corazawaf/coraza/v3"
	"github.com/corazawaf/coraza/v3/types"
)

// anomalyRule is the CRS rule that blocks once the inbound anomaly score
// reaches its threshold; the rules that raised the score explain why.
const anomalyRule = 949110

// WAF is the Core Rule Set loaded at one paranoia level. It is safe for
// concurrent use.
//
// Security limits: only requests are inspected (response rules are not
// run); bodies are read up to Coraza's recommended limit and passed on
// unchanged; CRS's blocking decision comes from its anomaly score, so a
// single low-severity match does not block.
type WAF struct {
	waf      coraza.WAF
	paranoia int
}

// New loads the Core Rule Set in blocking mode at paranoia level 1 to 4
// (1 has the fewest false positives, 4 the most detections).
func New(paranoia int) (*WAF, error) {
	if paranoia < 1 || paranoia > 4 {
		return nil, fmt.Errorf("new waf: paranoia level %d outside 1..4", paranoia)
	}
	directives := fmt.Sprintf(`
Include @coraza.conf-recommended
Include @crs-setup.conf.example
SecRuleEngine On
SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=%d"
Include @owasp_crs/*.conf
`, paranoia)
	cfg := coraza.NewWAFConfig().WithRootFS(coreruleset.FS).WithDirectives(directives)
	w, err := coraza.NewWAF(cfg)
	if err != nil {
		return nil, fmt.Errorf("new waf: load core rule set: %w", err)
	}
	return &WAF{waf: w, paranoia: paranoia}, nil
}

// DenyFunc answers a request the rules blocked; ruleID and msg name the
// rule that matched.
type DenyFunc = func(w http.ResponseWriter, r *http.Request, ruleID int, msg string)

// Paranoia returns the paranoia level the rules were loaded at.
func (w *WAF) Paranoia() int { return w.paranoia }

// Handler returns a handler that runs each request's line, headers and body
// through the rules before next sees it. A blocked request goes to deny
// with the ID and message of the rule that matched (the attack rule, not the
// anomaly-score rule, when there is one); a nil deny answers 403 with a
// plain-text body. next reads the request body as sent.
func (w *WAF) Handler(next http.Handler, deny DenyFunc) http.Handler {
	if deny == nil {
		deny = defaultDeny
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		tx := w.waf.NewTransaction()
		defer func() {
			tx.ProcessLogging()
			tx.Close()
		}()
		it, err := inspect(tx, r)
		if err != nil {
			http.Error(rw, "request could not be inspected", http.StatusBadRequest)
			return
		}
		if it != nil {
			id, msg := cause(tx, it)
			deny(rw, r, id, msg)
			return
		}
		next.ServeHTTP(rw, r)
	})
}

// inspect feeds the request to tx and returns the interruption, if any. The
// body is buffered by tx and put back on r for the next handler.
func inspect(tx types.Transaction, r *http.Request) (*types.Interruption, error) {
	client, cport := splitHostPort(r.RemoteAddr)
	tx.ProcessConnection(client, cport, "", 0)
	tx.ProcessURI(r.URL.RequestURI(), r.Method, r.Proto)
	tx.AddRequestHeader("Host", r.Host)
	for name, vals := range r.Header {
		for _, v := range vals {
			tx.AddRequestHeader(name, v)
		}
	}
	if it := tx.ProcessRequestHeaders(); it != nil {
		return it, nil
	}
	if r.Body != nil && r.Body != http.NoBody && tx.IsRequestBodyAccessible() {
		it, _, err := tx.ReadRequestBodyFrom(r.Body)
		if err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
		if it != nil {
			return it, nil
		}
		body, err := tx.RequestBodyReader()
		if err != nil {
			return nil, fmt.Errorf("replay request body: %w", err)
		}
		r.Body = io.NopCloser(body)
	}
	it, err := tx.ProcessRequestBody()
	if err != nil {
		return nil, fmt.Errorf("process request body: %w", err)
	}
	return it, nil
}

// cause returns the rule to report for an interruption: the first matched
// rule with a message other than the anomaly-score rule, else the
// interrupting rule itself.
func cause(tx types.Transaction, it *types.Interruption) (int, string) {
	for _, m := range tx.MatchedRules() {
		id := m.Rule().ID()
		if id != anomalyRule && id != it.RuleID && m.Message() != "" {
			return id, m.Message()
		}
	}
	for _, m := range tx.MatchedRules() {
		if m.Rule().ID() == it.RuleID && m.Message() != "" {
			return it.RuleID, m.Message()
		}
	}
	return it.RuleID, "blocked by rule " + strconv.Itoa(it.RuleID)
}

func splitHostPort(addr string) (string, int) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0
	}
	p, _ := strconv.Atoi(port)
	return host, p
}

func defaultDeny(w http.ResponseWriter, _ *http.Request, ruleID int, _ string) {
	http.Error(w, "request blocked by WAF rule "+strconv.Itoa(ruleID), http.StatusForbidden)
}
