// Package validate is bulwark's input layer: it judges text, JSON bodies,
// form values, header values and URL paths for injection payloads (SQL,
// XSS, NoSQL, shell commands, path traversal, server-side templates,
// CRLF/header, LDAP and XPath).
//
// Every input is first normalised (URL, HTML-entity and backslash escapes
// decoded in a bounded number of passes, full-width and lookalike characters
// folded, NUL bytes and SQL comments removed, case folded), then each kind's
// detector scores how strongly the text breaks out of the context it was
// meant to stay in: a quote that closes a string and goes on with SQL, a tag
// or event handler that would run script, a shell separator followed by a
// command, and so on. Keywords alone score little, so users of an AI
// assistant can paste SQL, HTML, shell commands and file paths into a chat
// and ask about them.
//
// A [Context] sets how much evidence blocks: [Chat] (free text) blocks only
// high-confidence payloads, [Strict] (identifiers, IDs, file names) blocks
// on any signal. A [Mode] per kind turns a kind's findings into blocks,
// flags or nothing.
//
// The detectors are pure functions of their input, safe for concurrent use,
// and run in time linear in the input.
package validate
