package intent

// Shared pattern pieces for English rules.
const (
	enIgnore = `(?:ignore|ignoring|disregard|forget|override|overrule|bypass|skip|discard` +
		`|abandon` +
		`|` +
		`set aside|throw away|do not follow|don't follow|dont follow|stop following` +
		`|no longer follow)`
	enPrior = `(?:previous|prior|preceding|above|earlier|former|initial|original|foregoing|` +
		`old|existing|current|system|developer|given|prompt)`
	enInstr = `(?:instructions?|prompts?|directions?|directives?|rules|guidelines|commands?|` +
		`orders|context|programming|constraints|guidance|restrictions|policies|text)`
)

// promptInjectionRules catch attempts to replace the task the assistant was
// given, directly or from inside pasted material. Each pattern was checked
// against benign messages that ignore a typo, an earlier question of the
// user's own, or a calendar invite.
var promptInjectionRules = []ruleSpec{
	{"ignore_previous_instructions", 0.95, "ignor disregard forget overr bypass skip discard " +
		"abandon aside throw follow dont | instruct prompt direction directive rule guideline " +
		"command order context programming constraint guidance restriction polic text | " +
		"previous " +
		"prior preceding above earlier former initial original foregoing old existing current " +
		"system developer given prompt",
		`\b` + enIgnore + `\b (?:(?:all|any|each|every|the|of|your|these|those|whatever|and` +
			`|following|` +
			`subsequent|above|other|prior)\s)*` + enPrior + `(?: and (?:following` +
			`|subsequent))?(?: \w+){0,2} ` + enInstr + `\b`},
	{"ignore_everything_before", 0.9, "ignor disregard forget overr bypass skip discard " +
		"abandon " +
		"aside throw follow dont | everything all anything what | above before prior " +
		"previously " +
		"you said told",
		`\b` + enIgnore + ` (?:everything|all|anything|what) (?:above|before|prior|previously` +
			`|you (?:were|have been|'ve been) ` +
			`(?:told|given|instructed|programmed)|(?:i|we|they) (?:said|told you) before)`},
	{"new_instructions", 0.6, "new updated real actual revised true | instruct task orders " +
		"objective",
		`\b(?:new|updated|real|actual|revised|true) (?:instructions?|task|orders` +
			`|objective)\s?:`},
	{"your_new_task", 0.7, "your$ | new$ real$ actual$ true$ | task goal objective instruct " +
		"purpose job",
		`\byour (?:new|real|actual|true) (?:task|goal|objective|instructions?|purpose` +
			`|job) (?:is` +
			`|are|will be)\b`},
	{"instead_say", 0.8, "instead",
		`\b(?:and|but|now) instead (?:just )?(?:say|print|output|spell check|respond|reply` +
			`|write` +
			`|repeat|answer|type)\b`},
	{"stop_everything", 0.7, "stop",
		`\bstop (?:everything|what you are doing|all (?:previous )?tasks)\b`},
	{"just_print", 0.55, "just",
		`\bjust (?:print|say|output|write) ["']`},
	{"addressed_to_ai", 0.85, "attention note message important reminder notice | ai assistant " +
		"llm model chatbot gpt agent bot language",
		`\b(?:attention|note|message|important|reminder|notice)(?: \w+){0,2} (?:to` +
			`|for) (?:the ` +
			`|any |all )?` +
			`(?:ai|assistant|llm|language model|chatbot|gpt|agent|model|bot)s?\b`},
	{"if_you_are_an_ai", 0.85, "reading processing summari analy parsing viewing seeing | ai " +
		"assistant llm model chatbot gpt agent bot language",
		`\b(?:if you are|if you're|to|dear|hey) (?:an? |the )?(?:ai|llm|language model` +
			`|assistant` +
			`|chatbot|ai assistant|ai agent)` +
			`(?: \w+){0,3} (?:reading|processing|summari[sz]ing|analy[sz]ing|parsing|viewing` +
			`|seeing)\b`},
	{"ai_colon_command", 0.85, "ai assistant llm model chatbot gpt agent bot language | ignor " +
		"forget disregard must not don instead now stop send forward tell",
		`\b(?:ai|assistant|ai assistant|chatbot|gpt|llm|agent)s?\s?[:,] (?:please )?(?:ignore` +
			`|forget|disregard|you must|do not|don't|` +
			`instead|now|stop|send|forward|tell the user)`},
	{"exfiltrate_data", 0.85, "send forward email post upload transfer exfiltrat leak | email " +
		"password credential contact file data conversation history message cookie token key",
		`\b(?:send|forward|email|post|upload|transfer|exfiltrate` +
			`|leak)\b[^.\n]{0,60}\b(?:user'?s?` +
			`|their|all|the|his|her)\b` +
			`[^.\n]{0,40}\b(?:emails?|passwords?|credentials|contacts|files|data` +
			`|conversations?` +
			`|history|messages|cookies|tokens?|keys?)` +
			`\b[^.\n]{0,40}\bto\b[^.\n]{0,30}(?:https?:|@|\.(?:com|net|org|io|ru|xyz` +
			`|example)\b)`},
	{"hidden_comment_instruction", 0.7, "<!--",
		`<!--[^>]{0,400}\b(?:ai|assistant|ignore|instructions?|llm|prompt|model)\b`},
	{"hide_from_user", 0.75, "not don dont never without | tell inform mention alert notify " +
		"let | " +
		"user them human anyone",
		`\b(?:do not|don't|dont|never|without) (?:tell|telling|inform|informing|mention` +
			`|mentioning|alert|alerting|let|letting|notify|notifying)` +
			`(?: \w+){0,2} (?:the user|them|the human|anyone)\b`},
	{"reply_manipulation", 0.45, "in$ to$ into$ throughout$ modify change alter rewrite end$ " +
		"start begin augment enhance conclude append prefix | your$ | response reply answer " +
		"output summary",
		`\b(?:in|to|into|throughout) your (?:response|reply|answer|output|summary)\b|` +
			`\b(?:modify|change|alter|rewrite|end|start|begin|augment|enhance|conclude|append` +
			`|prefix) your (?:response|reply|answer|output)`},

	{"inject_into_reply", 0.5, "add include insert integrate mention embed append incorporate " +
		"weave | your$ | response reply answer output summary",
		`\b(?:add|include|insert|integrate|mention|embed|append|incorporate` +
			`|weave)\b[^.\n]{0,100}\b(?:in|into|to|within) ` +
			`your (?:response|reply|answer|output|summary)\b`},
	{"deceptive_reply", 0.75, "your$ | response reply answer output | www http fake false " +
		"fabricat baseless rumor rumour mislead phishing scam cracked malware download",
		`\byour (?:response|reply|answer|output)\b[^\n]{0,120}(?:www\.|https?:|\bfake\b` +
			`|\bfalse\b` +
			`|fabricat|baseless|rumou?r|mislead|` +
			`phishing|\bscam|cracked|malware|download)|(?:www\.|https?:|\bfake\b|\bfalse\b` +
			`|fabricat|baseless|rumou?r|mislead|phishing|` +
			`\bscam|cracked|malware|download)[^\n]{0,120}\byour (?:response|reply|answer` +
			`|output)\b`},

	{"de_ignore_previous", 0.95, "ignorier vergiss vergesst vergessen missacht uberspring | " +
		"anweisung instruktion befehl regel vorgabe anordnung richtlinie prompt | vorherig " +
		"vorig " +
		"bisherig obig fruher alt vorangegangen ursprunglich alle allen",
		`\b(?:ignoriere|ignorier|ignorieren sie|ignoriert|vergiss|vergesst|vergessen sie` +
			`|missachte|missachten sie|uberspringe)\b` +
			`(?: \w+){0,3} (?:vorherigen?|vorigen?|bisherigen?|obigen?|fruheren?|alten?` +
			`|vorangegangenen?|ursprunglichen?|alle|allen)` +
			`(?: \w+){0,2} (?:anweisungen|instruktionen|befehle|regeln|vorgaben|anordnungen` +
			`|richtlinien|prompts?)\b`},
	{"de_forget_everything", 0.6, "vergiss vergessen",
		`\b(?:vergiss|vergessen sie) (?:alles|alle)\b`},
	{"fr_ignore_previous", 0.95, "ignor oubli neglig tiens tenez | instructions consignes " +
		"regles " +
		"directives ordres commandes indications | precedent anterieur ci initiales origine " +
		"originales donnees",
		`\b(?:ignore[zr]?|ignorez|oublie[zr]?|neglige[zr]?|ne tiens pas compte` +
			`|ne tenez pas compte)\b(?: \w+){0,3} ` +
			`(?:instructions|consignes|regles|directives|ordres|commandes` +
			`|indications)(?: \w+){0,2} ` +
			`(?:precedentes|anterieures|ci-dessus|initiales|d'origine|originales|precedents` +
			`|donnees)\b`},
	{"fr_forget_everything", 0.5, "oubli",
		`\boublie[zr]? tout\b`},
	{"es_ignore_previous", 0.95, "ignor olvid omit descart caso | instrucciones indicaciones " +
		"reglas ordenes directrices comandos normas | anteriores previas arriba iniciales " +
		"originales precedentes dadas",
		`\b(?:ignora|ignore|ignoren|olvida|olvide|olviden|omite|descarta` +
			`|haz caso omiso de)\b(?: \w+){0,3} ` +
			`(?:instrucciones|indicaciones|reglas|ordenes|directrices|comandos` +
			`|normas)(?: \w+){0,2} ` +
			`(?:anteriores|previas|de arriba|iniciales|originales|precedentes|dadas)\b`},
	{"es_forget_everything", 0.5, "olvida",
		`\bolvida todo\b`},
	{"zh_ignore_previous", 0.95, "忽略 无视 忽视 不要理会 别管 忘记 忘掉 抛弃",
		`(?:忽略|无视|忽视|不要理会|别管|忘记|忘掉|抛弃)掉?你?(?:之前|以前|先前|上面|以上|前面|此前|原来|原有|所有|全部|一切)的?` +
			`(?:所有|全部|一切)?的?(?:指令|指示|说明|提示|规则|命令|要求|设定|设置)`},
}

// innerStrength raises the evidence of rules that speak to the assistant
// when they match inside pasted material (any line but the first of a text
// of three or more lines): an email or web page has no business telling the
// reader's assistant how to answer.
var innerStrength = map[string]float64{
	"addressed_to_ai":  0.95,
	"hide_from_user":   0.9,
	"instead_say":      0.95,
	"ai_colon_command": 0.95,
}
