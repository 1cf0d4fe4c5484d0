package validate

import "testing"

// cmdiCase is a text and whether the cmdi detector must block it in the
// chat context.
type cmdiCase struct {
	text  string
	block bool
}

// checkCmdI fails t for every case the cmdi detector judges otherwise in
// the chat context.
func checkCmdI(t *testing.T, cases []cmdiCase) {
	t.Helper()
	for _, tc := range cases {
		score, detail := detectCmdI(prepare(tc.text), Chat)
		if blocked := score >= DefaultChatThreshold; blocked != tc.block {
			t.Errorf("%q: score %.2f (%s), want blocked %v", tc.text, score, detail, tc.block)
		}
	}
}

func TestCmdIShownCode(t *testing.T) {
	checkCmdI(t, []cmdiCase{
		// Code shown in a sentence, in several scripts.
		{"`cat access.log | sort | uniq -c` 이 명령어 결과가 이상해요", false},
		{"`du -sh * | sort -h`って何をしていますか", false},
		{"`tar czf - src | ssh backup 'cat > src.tgz'` такой способ нормальный?", false},
		{"请问 `ls -t | head -1` 和 `ls -1t | head -n1` 有区别吗", false},
		{"is `grep -r TODO . | wc -l` the fastest way to count them?", false},
		{"```sh\nfor f in *.txt; do wc -l \"$f\"; done | sort -n\n```\nworks but slow", false},
		{"~~~bash\nVER=`git describe --tags`\necho $VER\n~~~\nbackticks or $(...)?", false},
		{"```ruby\nout = `ls -la`\nputs out\n```\nis this a shell call?", false},
		// Code that reaches secrets is judged as text, where a command
		// line asked about is not a breakout either.
		{"what does `cat /etc/passwd | cut -d: -f1` print?", false},
		// A substitution glued to a value, a whole value that is one and
		// one in a template tag run.
		{"name=`whoami` please", true},
		{"`cat /etc/passwd`", true},
		{"<%= `ls -la` %>", true},
	})
}

func TestCmdIForLoop(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"& for %i in (1,2) do calc", true},
		{"for /f \"tokens=1,2\" %%a in ('type x.txt') do echo %%a", true},
		{"for /r c:\\ %f in (*.ini) do type %f", true},
		{"for /l %x in (1,1,5)do echo %x", true},
		{"{% for item in cart.items %}{{ item.title }}{% endfor %} do I need a forloop counter?", false},
		{"{% for p in posts %} ... {% empty %} ... do I still need if?", false},
		{"90% for fun in (my opinion) do what you like", false},
	} {
		if got := cmdForLoop(asciiLower(tc.text)); got != tc.want {
			t.Errorf("cmdForLoop(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
