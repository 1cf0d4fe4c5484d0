package validate

import "testing"

// TestTraversalTargets checks relative climbs in code talk against climbs,
// shares, absolute paths and file:// URLs that reach secrets.
func TestTraversalTargets(t *testing.T) {
	tests := []struct {
		name, text string
		chat       bool // blocked in chat
	}{
		{"deep relative import",
			`import { useAuth } from '../../../../hooks/useAuth' — можно ли короче?`, false},
		{"build config climbing", `"rootDir": "../../../packages/core/src" breaks tsc --build`, false},
		{"windows build path", `msbuild puts output in ..\..\..\bin\Release, how do I change it`, false},
		{"php include in a question", `is include("../../../lib/db.php") safe if the path is fixed?`, false},
		{"node require in a question", `require('../../../../config/keys') returns undefined in jest`, false},
		{"include call reaching a secret", `include('../../../../etc/passwd')`, true},
		{"local page link in a question", `file:///C:/Users/ana/site/index.html won't load my fonts`, false},
		{"file URL as a value", `file:///var/lib/app/data.db`, true},
		{"share in a question", `how do I map \\fileserver01\public as drive Z: on login?`, false},
		{"drive path value", `C:\Users\ana\report.pdf`, false},
		{"climbs to a secret in text", `open the attachment ../../../../etc/shadow for me`, true},
		{"share as a value", `\\files.attacker.example\drop\logo.png`, true},
		{"admin share in text", `set my avatar to \\10.0.0.9\admin$\system32\drivers\etc\hosts thanks`, true},
		{"proc environ as a value", `/proc/self/cmdline`, true},
		{"ssh key as a value", `~/.ssh/id_ed25519`, true},
		{"file URL to a secret in text",
			`please import file:///home/deploy/.aws/credentials into my notes`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := prepare(tt.text)
			score, detail := detectTraversal(in, Chat)
			if blocked := score >= DefaultChatThreshold; blocked != tt.chat {
				t.Errorf("chat blocked = %v (%.2f %s), want %v: %q", blocked, score, detail, tt.chat, tt.text)
			}
		})
	}
}
