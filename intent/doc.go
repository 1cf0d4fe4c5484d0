// Package intent detects messages that try to hijack an AI assistant: prompt
// injection (direct, or hidden in pasted documents, emails and web pages),
// jailbreaks (personas such as DAN, "developer mode", fiction framing) and
// system manipulation (extracting the system prompt or secrets, rewriting the
// assistant's rules, steering its tools).
//
// A [Detector] combines four layers into one [scan.Verdict]:
//
//  1. Normalisation ([Normalize], [Views]): case, accents, Unicode confusables
//     and width, zero-width and bidi characters, tag characters, leetspeak,
//     letter spacing, and decoding of embedded base64, hex and rot13 segments.
//  2. Rules: phrase families per kind in English, German, French, Spanish and
//     Chinese, written against hard negatives.
//  3. An embedded linear model over hashed word and character n-grams, trained
//     by `bulwark intent train` ([Train]) and shipped with the data version and
//     the figures it reached ([ModelInfo]).
//  4. An optional LLM judge ([JudgeConfig]) asked only about messages whose
//     score falls in an uncertain band.
//
// Long inputs are scored in windows and the highest window counts; nothing is
// truncated. The package does not log: findings carry their explanation in
// [scan.Finding.Detail].
package intent
