package intent

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bulwarkhq/bulwark/scan"
)

// rule is one phrase family. Rules read normalised text (lower case, no
// accents, single spaces), so patterns are written that way.
type rule struct {
	name     string
	kind     scan.Kind
	ki       int     // index of kind in kinds
	strength float64 // evidence in 0..1 when the rule matches
	inner    float64 // evidence when it matches inside pasted material; 0 = strength
	re       *regexp.Regexp
	lead     *regexp.Regexp // re anchored at its start, for rules in leadRules
}

// ruleSpec is the source form of a rule, kept in the per-kind tables.
type ruleSpec struct {
	name     string
	strength float64
	// anchors are groups separated by " | " of space-separated word
	// prefixes (literals for CJK and symbols): the pattern is tried only
	// when every group has a member in the segment.
	anchors string
	pattern string
}

// ruleSet holds the compiled rules and an index of their anchors.
type ruleSet struct {
	rules   []rule
	nAnchor int
	ruleAnc [][][]int       // rule index -> anchor groups -> anchor ids
	byPair  [1 << 16]uint16 // first two bytes of a word -> index into buckets (0 = none)
	buckets [][]wordAnchor  // word anchors sharing their first two bytes
	subs    []subAnchor     // anchors that are not plain words (CJK, symbols)
}

// wordAnchor matches any word that starts with prefix, or only the word
// itself when exact (written with a trailing "$" in a rule's anchors).
type wordAnchor struct {
	prefix string
	id     int
	exact  bool
}

// subAnchor matches anywhere in a segment.
type subAnchor struct {
	text string
	id   int
}

// buildRules compiles the rule tables of every kind.
func buildRules() (*ruleSet, error) {
	rs := &ruleSet{buckets: [][]wordAnchor{nil}}
	ids := map[string]int{}
	for ki, specs := range [len(kinds)][]ruleSpec{promptInjectionRules, jailbreakRules, systemRules} {
		for _, s := range specs {
			re, err := regexp.Compile(s.pattern)
			if err != nil {
				return nil, fmt.Errorf("rule %s: %v", s.name, err)
			}
			var ai [][]int
			for g := range strings.SplitSeq(s.anchors, " | ") {
				var group []int
				for _, a := range strings.Fields(g) {
					id, ok := ids[a]
					if !ok {
						id = rs.nAnchor
						rs.nAnchor++
						ids[a] = id
						if err := rs.addAnchor(a, id); err != nil {
							return nil, fmt.Errorf("rule %s: %v", s.name, err)
						}
					}
					group = append(group, id)
				}
				ai = append(ai, group)
			}
			var lead *regexp.Regexp
			if leadRules[s.name] {
				lead = regexp.MustCompile(`^(?:` + s.pattern + `)`)
			}
			r := rule{s.name, kinds[ki], ki, s.strength, innerStrength[s.name], re, lead}
			rs.rules = append(rs.rules, r)
			rs.ruleAnc = append(rs.ruleAnc, ai)
		}
	}
	return rs, nil
}

func (rs *ruleSet) addAnchor(a string, id int) error {
	exact := strings.HasSuffix(a, "$") && len(a) > 1
	a = strings.TrimSuffix(a, "$")
	for i := 0; i < len(a); i++ {
		if !isWordByte(a[i]) || a[i] >= 0x80 {
			rs.subs = append(rs.subs, subAnchor{a, id})
			return nil
		}
	}
	if len(a) < 2 {
		return fmt.Errorf("word anchor %q is shorter than two bytes", a)
	}
	k := pairKey(a)
	if rs.byPair[k] == 0 {
		rs.byPair[k] = uint16(len(rs.buckets))
		rs.buckets = append(rs.buckets, nil)
	}
	rs.buckets[rs.byPair[k]] = append(rs.buckets[rs.byPair[k]], wordAnchor{a, id, exact})
	return nil
}

// ruleHit is one rule that matched one view.
type ruleHit struct {
	rule   *rule
	source string // the view it matched in
	quoted bool   // the match is quoted or given as an example
	inner  bool   // the match is inside pasted material
}

// strength is the evidence the hit gives.
func (h ruleHit) strength() float64 {
	s := h.rule.strength
	if h.inner && h.rule.inner > 0 {
		s = h.rule.inner
	}
	if h.quoted {
		s *= quotedDiscount
	}
	return s
}

// quotedDiscount scales the strength of a rule whose match is mentioned
// rather than used: in quotes, or after "such as", "for example" and the like.
const quotedDiscount = 0.3

// mentionCues are the last words before a phrase that introduce it as an
// example rather than use it.
var mentionCues = []string{"like", "such as", "for example", "for instance", "e.g.", "example",
	"contain", "contains", "containing", "say", "says", "phrase", "phrases", "attack", "attacks",
	"called", "known as",
	"means", "meaning", "detect", "flag", "classify", "injection", "injections"}

// quoted reports whether seg[lo:hi] is quoted or introduced as an example.
func quoted(seg string, lo, hi int) bool {
	before := seg[max(0, lo-3):lo]
	after := seg[hi:min(len(seg), hi+40)]
	if strings.ContainsAny(before, "\"'`") && strings.ContainsAny(after, "\"'`") {
		return true
	}
	before = strings.TrimRight(seg[max(0, lo-40):lo], " :,\"'`(")
	for _, c := range mentionCues {
		n := len(before) - len(c)
		if strings.HasSuffix(before, c) && (n == 0 || !isAnchorByte(before[n-1])) {
			return true
		}
	}
	return false
}

// Segments longer than maxSegment are cut into overlapping pieces so that
// the regular expressions run on short inputs, where they are fast.
const (
	maxSegment     = 600
	segmentOverlap = 150
)

// saturated is the rule evidence for a kind beyond which further rules of
// that kind are not tried: more hits could not change the verdict.
const saturated = 0.995

// TODO: compile the anchors into one Aho-Corasick automaton and start each
// rule's expression at its first anchor; today the per-sentence regular
// expressions are the largest cost on attack-like text and keep long attacks
// above the 1 ms target.

// match appends the rules matching text to hits, once per rule. Rules are
// tried segment by segment (sentences and lines), only when every anchor
// group of theirs occurs in the segment, and only while their kind's
// evidence is below saturated. stamp is scratch space of len rs.nAnchor.
func (rs *ruleSet) match(hits []ruleHit, text, source string, stamp []uint32) []ruleHit {
	var miss [len(kinds)]float64
	for i := range miss {
		miss[i] = 1
	}
	for _, h := range hits {
		miss[h.rule.ki] *= 1 - h.strength()
	}
	first := len(hits)
	gen := uint32(0)
	for i := range stamp {
		stamp[i] = 0
	}
	multi := strings.Count(text, "\n") >= 2
	for seg, off := range segments(text) {
		gen++
		inner := multi && strings.IndexByte(text[:off], '\n') >= 0
		if !rs.markAnchors(seg, stamp, gen) {
			continue
		}
	rules:
		for i := range rs.rules {
			r := &rs.rules[i]
			k := r.ki
			if 1-miss[k] >= saturated || !allGroups(rs.ruleAnc[i], stamp, gen) {
				continue
			}
			for _, h := range hits[first:] {
				if h.rule == r {
					continue rules
				}
			}
			if loc := rs.find(i, seg); loc != nil {
				h := ruleHit{r, source, quoted(seg, loc[0], loc[1]), inner}
				hits = append(hits, h)
				miss[k] *= 1 - h.strength()
			}
		}
	}
	return hits
}

// leadRules are rules whose pattern begins with a word of their first anchor
// group. Their matches can only start at such a word, so find tries the
// anchored expression there instead of scanning the whole segment, which
// for these large expressions is many times faster.
var leadRules = map[string]bool{
	"ignore_previous_instructions": true,
	"ignore_everything_before":     true,
	"reveal_your_prompt":           true,
	"reveal_the_system_prompt":     true,
	"reveal_secrets":               true,
	"exfiltrate_data":              true,
	"new_instructions":             true,
	"your_new_task":                true,
	"addressed_to_ai":              true,
	"ai_colon_command":             true,
	"reply_manipulation":           true,
	"inject_into_reply":            true,
	"you_unrestricted":             true,
	"break_policy":                 true,
	"no_disclaimers":               true,
	"amoral_persona":               true,
	"change_your_rules":            true,
	"display_system_configuration": true,
	"continue_system_prompt":       true,
	"steer_tool":                   true,
}

// find returns the position of rule i's first match in seg, or nil.
func (rs *ruleSet) find(i int, seg string) []int {
	r := &rs.rules[i]
	if r.lead == nil {
		return r.re.FindStringIndex(seg)
	}
	first := rs.ruleAnc[i][0]
	start := -1
	for j := 0; j <= len(seg); j++ {
		if j < len(seg) && isAnchorByte(seg[j]) {
			if start < 0 {
				start = j
			}
			continue
		}
		if start < 0 {
			continue
		}
		for start < j && seg[start] == '\'' {
			start++
		}
		w := trimQuotes(seg[start:j])
		if len(w) >= 2 && rs.leads(w, first) {
			if loc := r.lead.FindStringIndex(seg[start:]); loc != nil {
				return []int{start + loc[0], start + loc[1]}
			}
		}
		start = -1
	}
	return nil
}

// leads reports whether word w matches one of the anchors in group.
func (rs *ruleSet) leads(w string, group []int) bool {
	for _, a := range rs.buckets[rs.byPair[pairKey(w)]] {
		hit := a.exact && w == a.prefix || !a.exact && strings.HasPrefix(w, a.prefix)
		if hit && slices.Contains(group, a.id) {
			return true
		}
	}
	return false
}

// trimQuotes removes apostrophes used as quotes around a word.
func trimQuotes(w string) string { return strings.Trim(w, "'") }

func isAnchorByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '\''
}

func pairKey(w string) uint16 { return uint16(w[0])<<8 | uint16(w[1]) }

// allGroups reports whether every anchor group has a member stamped gen.
func allGroups(groups [][]int, stamp []uint32, gen uint32) bool {
	for _, g := range groups {
		ok := false
		for _, a := range g {
			if stamp[a] == gen {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// markAnchors stamps the anchors present in seg with gen and reports whether
// there was any.
func (rs *ruleSet) markAnchors(seg string, stamp []uint32, gen uint32) bool {
	any := false
	start := -1
	ascii := true
	for i := 0; i <= len(seg); i++ {
		if i < len(seg) {
			c := seg[i]
			if c >= 0x80 {
				ascii = false
			}
			if isAnchorByte(c) {
				if start < 0 {
					start = i
				}
				continue
			}
		}
		if start >= 0 {
			if w := trimQuotes(seg[start:i]); len(w) >= 2 {
				for _, a := range rs.buckets[rs.byPair[pairKey(w)]] {
					if a.exact && w == a.prefix || !a.exact && strings.HasPrefix(w, a.prefix) {
						stamp[a.id] = gen
						any = true
					}
				}
			}
			start = -1
		}
	}
	for _, a := range rs.subs {
		if (a.text[0] < 0x80 || !ascii) && strings.Contains(seg, a.text) {
			stamp[a.id] = gen
			any = true
		}
	}
	return any
}

// segments yields the sentences and lines of a normalised text; pieces
// longer than maxSegment are cut at spaces with some overlap.
func segments(text string) func(yield func(string, int) bool) {
	return func(yield func(string, int) bool) {
		start := 0
		for i := 0; i < len(text); i++ {
			end := 0 // bytes after i that end the segment
			switch c := text[i]; {
			case c == '\n':
				end = 1
			case isStop(c) && (i+1 == len(text) || text[i+1] == ' '):
				end = 1
			case c == 0xE3 && i+2 < len(text) && text[i+1] == 0x80 && text[i+2] == 0x82: // 。
				end = 3
			}
			if end == 0 {
				continue
			}
			if !emitPieces(text[start:i+end], start, yield) {
				return
			}
			start = i + end
			i = start - 1
		}
		emitPieces(text[start:], start, yield)
	}
}

// isStop reports the punctuation that ends a sentence when a space follows.
func isStop(c byte) bool { return c == '.' || c == '?' || c == '!' || c == ';' }

// emitPieces yields s, or overlapping pieces of it when it is long, with
// their offsets from off.
func emitPieces(s string, off int, yield func(string, int) bool) bool {
	for len(s) > maxSegment {
		cut := maxSegment
		for j := maxSegment; j > maxSegment/2; j-- {
			if s[j] == ' ' {
				cut = j
				break
			}
		}
		if !yield(s[:cut], off) {
			return false
		}
		next := max(cut-segmentOverlap, 1)
		s, off = s[next:], off+next
	}
	if strings.TrimSpace(s) == "" {
		return true
	}
	return yield(s, off)
}
