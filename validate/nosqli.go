package validate

import "strings"

// mongoOperators are MongoDB query operators that change a comparison into
// something else when a client can send them where a value is expected.
var mongoOperators = wordSet(`$ne $eq $gt $gte $lt $lte $in $nin $regex $where $exists
	$or $and $not $nor $expr $function $accumulator $elemmatch $all $size $type $mod $text
	$jsonschema $comment $lookup $merge $out`)

// detectNoSQLi scores NoSQL injection in text: query operators in an
// operator position ({"$gt": ...} or field[$ne]=...), and JavaScript that
// closes a string inside a $where clause (' || '1'=='1, ;return true).
func detectNoSQLi(in *input, c Context) (float64, string) {
	s := in.low
	var h hit
	where := false // s holds "$where", perhaps as the start of a longer word
	var nest nesting
	for i := strings.IndexByte(s, '$'); i >= 0; i = nextByte(s, i+1, '$') {
		where = where || strings.HasPrefix(s[i:], "$where")
		j := i + 1
		for j < len(s) && isAlpha(s[j]) {
			j++
		}
		op := s[i:j]
		if !mongoOperators[op] {
			continue
		}
		before := strings.TrimRight(s[max(0, i-4):i], " \"'")
		after := strings.TrimLeft(s[j:min(len(s), j+4)], " \"'")
		switch {
		case strings.HasSuffix(before, "[") && strings.HasPrefix(after, "]"):
			h.see(0.92, "operator "+op+" in a form field name")
		case strings.HasSuffix(before, "{") || strings.HasSuffix(before, ","):
			if strings.HasPrefix(after, ":") {
				if score, why := operatorObject(s, i, j, &nest); score > 0 {
					h.see(score, "operator "+op+" "+why)
				} else if strings.HasSuffix(before, ",") &&
					(valueLike(s[:max(0, i-1)]) || strings.HasPrefix(strings.TrimSpace(s), "{")) {
					h.see(0.9, "operator "+op+" as an object key")
				} else {
					h.see(0.6, "operator "+op+" in pasted query")
				}
			}
		case op == "$where":
			// Named in text ("is $where slow?"); a clause that breaks
			// out of its string is caught below.
			h.see(0.5, "$where clause")
		default:
			h.see(0.35, "operator name "+op)
		}
	}
	// The breakouts below count only near the start of a value or in a
	// $where clause, so only that much text is searched.
	head := s
	if !where {
		head = s[:min(len(s), 64)]
	}
	for _, m := range []string{"'||'", "' || '", "'=='", "\"==\"", ";return true", "; return true",
		"this.password", "this.username", "sleep(", "db.getcollection", "'%00", "while(true)"} {
		if k := strings.Index(head, m); k >= 0 && (valueLike(s[:k]) || len(head) < len(s)) &&
			(strings.Contains(m, "||") || strings.Contains(m, "==") || strings.Contains(m, "return") ||
				strings.Contains(m, "this.") || strings.Contains(m, "db.")) {
			h.see(0.85, "JavaScript breakout "+strings.TrimSpace(m))
		}
	}
	if k := strings.Index(head, "|| this."); k >= 0 && valueLike(s[:k]) {
		h.see(0.85, "JavaScript breakout || this.") // 0 || this.isAdmin == true
	}
	h.see(whereReturnInSentence(s))
	return h.score, h.detail
}

// whereReturnInSentence scores a $where breakout typed inside a sentence:
// a quote that does not close a string the text opened, then ; return
// (Kunde: '; return true; var a=' danke).
func whereReturnInSentence(s string) (float64, string) {
	if strings.IndexByte(s, ';') < 0 {
		return 0, "" // the ; is much rarer in text than the r of return
	}
	q := newSentenceQuotes(s, true)
	for i := q.next(); i >= 0; i = q.next() {
		rest := strings.TrimLeft(s[i+1:], " ")
		if t, ok := strings.CutPrefix(rest, ";"); ok && strings.HasPrefix(strings.TrimLeft(t, " "), "return ") {
			return 0.85, "quote closed inside a sentence, then ; return"
		}
	}
	return 0, ""
}

// nextByte returns the index of the first c in s at or after from, or -1.
func nextByte(s string, from int, c byte) int {
	if k := strings.IndexByte(s[from:], c); k >= 0 {
		return from + k
	}
	return -1
}
