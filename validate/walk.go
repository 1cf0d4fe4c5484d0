package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/bulwarkhq/bulwark/scan"
)

// frame is one open JSON object or array while walking a body.
type frame struct {
	array bool
	index int    // next element index (arrays)
	key   string // current key (objects)
	field string // path of the container itself
}

// CheckJSON walks a JSON body and judges every string value and every object
// key in context c. Finding.Field names where each finding was
// ("messages[0].content"). An object key that is a MongoDB query operator
// ($ne, $gt, $where...) is a nosqli finding: it sits where the application
// expects a value. The error reports malformed JSON or nesting deeper than
// Config.MaxDepth; the verdict is then empty.
func (v *Validator) CheckJSON(body []byte, c Context) (scan.Verdict, error) {
	var r report
	if err := v.walkJSON(&r, body, c); err != nil {
		return scan.Verdict{Allowed: true, Findings: []scan.Finding{}}, err
	}
	return r.verdict(), nil
}

func (v *Validator) walkJSON(r *report, body []byte, c Context) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				return errors.New("check json: unexpected end of input")
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("check json: %w", err)
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		// In an object, a string token where a key is due is a key.
		if top != nil && !top.array && top.key == "" {
			if k, ok := tok.(string); ok {
				top.key = k
				v.checkKey(r, k, c, joinField(top.field, k))
				continue
			}
		}
		field := ""
		if top != nil {
			field = top.elemField()
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= v.maxDepth {
					return fmt.Errorf("check json: nesting deeper than %d levels", v.maxDepth)
				}
				stack = append(stack, frame{array: t == '[', field: field})
				continue
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		case string:
			v.checkText(r, t, c, field)
		}
		if len(stack) > 0 {
			stack[len(stack)-1].advance()
		} else if dec.More() {
			return errors.New("check json: data after the top-level value")
		}
	}
}

// elemField returns the path of the value the frame is at.
func (f *frame) elemField() string {
	if f.array {
		return f.field + "[" + strconv.Itoa(f.index) + "]"
	}
	return joinField(f.field, f.key)
}

// advance moves past one complete value.
func (f *frame) advance() {
	if f.array {
		f.index++
	} else {
		f.key = ""
	}
}

func joinField(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// checkKey judges an object key: as text, and as a query operator.
func (v *Validator) checkKey(r *report, key string, c Context, field string) {
	if op := strings.ToLower(key); mongoOperators[op] {
		r.add(v, scan.NoSQLi, 0.95, "query operator "+op+" as an object key", field)
		return
	}
	v.checkText(r, key, c, field)
}

// CheckForm judges form or query-string values and their names in context
// c, in sorted name order. A name with a bracketed operator (user[$ne]) is
// a nosqli finding. Finding.Field is the name, with an index when the name
// has several values.
func (v *Validator) CheckForm(values url.Values, c Context) scan.Verdict {
	var r report
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if op := bracketOperator(k); op != "" {
			r.add(v, scan.NoSQLi, 0.95, "query operator "+op+" in a field name", k)
		} else {
			v.checkText(&r, k, c, k)
		}
		vals := values[k]
		for i, val := range vals {
			field := k
			if len(vals) > 1 {
				field = k + "[" + strconv.Itoa(i) + "]"
			}
			v.checkText(&r, val, c, field)
		}
	}
	return r.verdict()
}

// bracketOperator returns the operator in a name such as user[$ne] or
// a[b][$regex], or "".
func bracketOperator(name string) string {
	for {
		i := strings.Index(name, "[$")
		if i < 0 {
			return ""
		}
		j := strings.IndexByte(name[i:], ']')
		if j < 0 {
			return ""
		}
		if op := strings.ToLower(name[i+1 : i+j]); mongoOperators[op] {
			return op
		}
		name = name[i+j:]
	}
}

// CheckHeader judges one header for CR/LF injection: a raw CR or LF in the
// name or value (which net/http already refuses on the wire, but which a
// handler may copy into a response header), or one that decoding reveals.
// Other kinds are not checked in headers.
func (v *Validator) CheckHeader(name, value string) scan.Verdict {
	var r report
	switch {
	case strings.ContainsAny(name, "\r\n\x00"):
		r.add(v, scan.CRLF, 1, "CR, LF or NUL in a header name", name)
	case hasLineBreak(value):
		r.add(v, scan.CRLF, 1, "CR or LF in a header value", name)
	default:
		if hasLineBreak(prepare(value).dec) {
			r.add(v, scan.CRLF, 0.95, "encoded CR or LF in a header value", name)
		}
	}
	return r.verdict()
}

// CheckPath judges a URL path (raw, as sent) for traversal: a segment that
// is "..", or decodes to one, or hides a slash and a climb inside an encoded
// segment, or a NUL byte.
func (v *Validator) CheckPath(path string) scan.Verdict {
	var r report
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "" {
			continue
		}
		dec, nul := seg, false
		for range maxDecodePasses {
			d, n := decodePass(dec)
			nul = nul || n
			if d == dec {
				break
			}
			dec = d
		}
		switch {
		case seg == "..":
			r.add(v, scan.PathTraversal, 0.9, "path segment ..", "path")
		case dec == ".." || dec == "." && seg != ".":
			r.add(v, scan.PathTraversal, 0.95, "encoded segment decodes to "+dec, "path")
		case strings.ContainsAny(dec, "/\\") && strings.Contains(dec, ".."):
			r.add(v, scan.PathTraversal, 0.95, "encoded slash and .. inside one segment", "path")
		case nul:
			r.add(v, scan.PathTraversal, 0.85, "NUL byte in a path segment", "path")
		default:
			continue
		}
		break
	}
	return r.verdict()
}
