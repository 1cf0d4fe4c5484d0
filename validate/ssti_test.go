package validate

import "testing"

// TestTemplateTags checks that control tags with plain names stay under
// the chat threshold and that expressions reaching objects, shell
// commands or the whole context are blocked.
func TestTemplateTags(t *testing.T) {
	tests := []struct {
		name, text string
		chat       bool // blocked in chat
	}{
		{"liquid condition on a product",
			`{% unless product.available %}Sold out{% endunless %} shows on every item`, false},
		{"jinja include", `{% include "partials/footer.html" %} — TemplateNotFound на проде`, false},
		{"jinja import", `{% import 'macros/forms.html' as forms %} then forms.input('q') is empty`, false},
		{"django condition on request",
			`{% if request.user.is_staff %} is always false in my admin template`, false},
		{"twig extends", `{% extends 'layout.html.twig' %} {% block body %}{% endblock %}`, false},
		{"handlebars this", `{{#each tags}}<span>{{this}}</span>{{/each}} prints [object Object]`, false},
		{"go range over dot", `{{ range . }}{{ .Title }}{{ end }} prints nothing`, false},
		{"loop over internals", `{% for c in ''.__class__.__mro__[1].__subclasses__() %}{{ c }}{% endfor %}`, true},
		{"output tag naming config", `{{ config }}`, true},
		{"include in an output tag", `{{ include('/etc/passwd') }}`, true},
		{"erb backticks", `display name: <%= ` + "`uname -a`" + ` %>`, true},
		{"ruby interpolation backticks", `#{` + "`whoami`" + `}`, true},
		{"go template dumping context", `nickname {{ printf "%+v" $ }} please`, true},
		{"trimmed go template dump", `{{- println . -}}`, true},
		{"go printf of a field", `{{ printf "%.2f" .Price }} rounds wrong`, false},
		{"include of request data", `{% include request.GET.tpl %}`, true},
		{"constant condition", `{% if 1 %}yes{% endif %}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, detail := detectSSTI(prepare(tt.text), Chat)
			if blocked := score >= DefaultChatThreshold; blocked != tt.chat {
				t.Errorf("chat blocked = %v (%.2f %s), want %v: %q", blocked, score, detail, tt.chat, tt.text)
			}
		})
	}
}

func TestMethodCallRoot(t *testing.T) {
	for _, tc := range []struct {
		in, root string
		ok       bool
	}{
		{"order.date.strftime('%d')", "order", true},
		{"'a'.toupper()", "", true},
		{"config.iteritems()", "config", true},
		{"price|round(2)", "", false},
		{"name", "", false},
	} {
		root, ok := methodCall(tc.in)
		if root != tc.root || ok != tc.ok {
			t.Errorf("methodCall(%q) = %q, %v, want %q, %v", tc.in, root, ok, tc.root, tc.ok)
		}
	}
}
