package intent

// Verbs that ask for something to be shown, in English.
const enShow = `(?:reveal|show|print|output|repeat|display|tell|give|share|leak|dump|write out` +
	`|spell out|recite|list|` +
	`echo|return|expose|disclose|translate|encode|what (?:is|are|were|was))`

// systemRules catch attempts to read or rewrite what configures the
// assistant: its system prompt, its secrets, its rules and its tools. Asking
// what a system prompt is, or for help writing one, does not match.
var systemRules = []ruleSpec{
	{"reveal_your_prompt", 0.9, "reveal show print output repeat display tell give share leak " +
		"dump write spell recite list echo return expose disclose translate encode what | your " +
		"ur " +
		"thy | prompt instruct message rules config directive guideline programming initiali " +
		"setup",
		`\b` + enShow + `\b(?: me| us)?(?: back)?(?: \w+){0,2}? (?:your|ur|thy) (?:(?:full` +
			`|entire` +
			`|complete|exact|original|initial|hidden|` +
			`secret|internal|system|first|starting|current|underlying|developer|confidential` +
			`|real` +
			`|verbatim|whole)[ -]?)*` +
			`(?:instructions?|system message|rules|configuration|config|directives?|guidelines` +
			`|programming|initiali[sz]ation|setup|` +
			`(?:system|initial|original|hidden|secret|pre|starting|first|full|entire|complete` +
			`|exact) ?prompt)\b`},
	{"continue_system_prompt", 0.85, "continue complete finish | prompt instruct message",
		`\b(?:continue|complete|finish)\b[^\n]{0,30}["']?(?:the|my|your) (?:system prompt` +
			`|instructions|initial prompt|system message) ` +
			`(?:is|are|was|were|says?)\b`},
	{"display_system_configuration", 0.85, "display show print output dump reveal list | " +
		"system " +
		"internal hidden backend server | config setting prompt instruct",
		`\b(?:display|show|print|output|dump|reveal|list)\b(?: \w+){0,2} (?:system|internal` +
			`|hidden|backend|server) ` +
			`(?:configuration|config|settings|prompt|instructions)\b`},
	{"admin_override", 0.5, "override access command authori | admin administrator developer " +
		"system root sudo operator",
		`\b(?:admin|administrator|developer|system|root|sudo|operator)s? (?:override` +
			`|access granted|command|authori[sz]ation)\b`},
	{"reveal_the_system_prompt", 0.85, "reveal show print output repeat display tell give " +
		"share " +
		"leak dump write spell recite list echo return expose disclose translate encode what | " +
		"system hidden secret initial internal developer confidential pre starting | prompt " +
		"instruct message | the$",
		`\b` + enShow + `\b(?: me| us)?(?: \w+){0,3}? the (?:(?:full|entire|complete|exact` +
			`|original)[ -])?(?:system|hidden|secret|initial|` +
			`internal|developer|confidential|pre|starting)[ -]?(?:prompts?|instructions?` +
			`|messages?)\b`},
	{"system_prompt_mention", 0.2, "prompt systemprompt initialprompt | system initial hidden " +
		"secret pre prompt",
		`\b(?:system|initial|hidden|secret|pre) ?prompt\b`},
	{"repeat_text_above", 0.85, "verbatim word full exact complete block | above before prior " +
		"preceding beginning start top",
		`\b(?:repeat|print|output|recite|reproduce|echo|copy|show|display|return` +
			`|write)\b(?: \w+){0,3} (?:the |all |everything |all the |any )?` +
			`(?:text|words|content|lines|instructions|messages?|conversation` +
			`|prompt)? ?(?:above` +
			`|before this|prior to this|preceding|` +
			`at the (?:beginning|start|top))\b[^.\n]{0,40}\b(?:verbatim|word for word|in full` +
			`|exactly|completely|in a (?:txt |text )?code block)`},
	{"begin_with_you_are", 0.85, "beginning starting start begin",
		`\b(?:beginning|starting|start|begin) with ["']?you are\b`},
	{"what_were_you_told", 0.85, "told instructed given programmed",
		`\bwhat (?:were|was|have) you (?:been )?(?:told|instructed|given|programmed)\b`},
	{"complete_my_instructions", 0.85, "instructions instructed told programmed prompt | start " +
		"begin complete continue finish",
		`\b(?:start|begin|complete|continue` +
			`|finish)(?: \w+){0,4} ["']?(?:my instructions (?:are` +
			`|were)|i was (?:instructed|told|programmed)|` +
			`my (?:system )?prompt (?:is|was))`},
	{"not_supposed_to_tell", 0.7, "supposed allowed forbidden told",
		`\bwhat (?:are|were) you (?:not supposed|not allowed|forbidden|told not) to (?:tell` +
			`|say` +
			`|reveal|share)\b`},
	{"secrets_you_hold", 0.85, "key password secret credential token env environment | you$ " +
		"your$",
		`\b(?:api[ _-]?keys?|passwords?|secrets?|credentials|access tokens?|private keys?` +
			`|env(?:ironment)? variables)\b[^.?\n]{0,40}` +
			`\b(?:do you have|you (?:have|know|store|hold|were given|can (?:see|access))` +
			`|in your (?:configuration|config|system|memory|` +
			`environment|prompt|context))`},
	{"reveal_secrets", 0.8, "reveal show print output repeat display tell give share leak dump " +
		"write spell recite list echo return expose disclose translate encode what | key " +
		"password " +
		"secret credential token env environment",
		`\b` + enShow + `\b(?: me| us)?(?: \w+){0,2} (?:your|the|all` +
			`|any) (?:\w+ ){0,2}(?:api[ _-]?keys?|passwords?|secrets|credentials|` +
			`access tokens?|private keys?|env(?:ironment)? variables)\b[^.?\n]{0,40}\b(?:you` +
			`|your` +
			`|system|server|configuration|config|backend)\b`},
	{"rules_changed", 0.8, "rules instructions guidelines programming directives system | " +
		"changed " +
		"updated overridden replaced modified revoked lifted suspended follows",
		`\b(?:your|the) (?:new |updated )?(?:rules|instructions|guidelines|programming` +
			`|directives` +
			`|system prompt) (?:are|is|has|have) ` +
			`(?:now |been )?(?:changed|updated|overridden|replaced|modified|revoked|lifted` +
			`|suspended|as follows)`},
	{"change_your_rules", 0.8, "update change modify rewrite replace overwrite reset delete " +
		"erase " +
		"disable remove turn deactivate | your$ ur$",
		`\b(?:update|change|modify|rewrite|replace|overwrite|reset|delete|erase|disable|remove` +
			`|turn off|deactivate) ` +
			`(?:your|ur) (?:own )?(?:system prompt|rules|instructions|guidelines|programming` +
			`|directives|safety (?:settings|filters?|guidelines)|` +
			`restrictions|content filters?|memory|persona)\b`},
	{"new_rule", 0.7, "rule rules policy directive system | new",
		`\bnew (?:rule|policy|directive|system instruction)s? ?: ?(?:you|from now|always|never` +
			`|the assistant)`},
	{"privileged_mode", 0.85, "mode | maintenance debug admin administrator root sudo god " +
		"diagnostic service test",
		`\byou(?:'re| are)? (?:now )?(?:in|entering|switched to) (?:maintenance|debug|admin` +
			`|administrator|root|sudo|god|diagnostic|` +
			`service|test) mode\b|\b(?:enter|activate|enable) (?:maintenance|debug|admin` +
			`|administrator|root|sudo|diagnostic) mode\b[^.\n]{0,60}` +
			`\b(?:display|show|print|reveal|output|disable|ignore)`},
	{"steer_tool", 0.55, "call invoke run execute use trigger | tool function command plugin " +
		"api " +
		"| delete remove wipe erase drop transfer send email forward purchase pay shutdown " +
		"disable exfiltrat",
		`\b(?:call|invoke|run|execute|use|trigger)\b[^.\n]{0,30}\b(?:tool|function|command` +
			`|plugin` +
			`|api)\b[^.\n]{0,60}` +
			`\b(?:delete|remove|wipe|erase|drop|transfer|send|email|forward|purchase|pay` +
			`|shutdown` +
			`|disable|exfiltrate)`},
	{"before_answering", 0.3, "before without",
		`\bbefore (?:answering|responding|replying)(?: anything)?\b|\bwithout (?:asking` +
			`|telling` +
			`|informing|notifying|confirming with|` +
			`the user'?s? (?:consent|knowledge|permission|approval))`},

	{"de_reveal_prompt", 0.9, "systemprompt system anweisung instruktion prompt | deine deinen " +
		"dein ihren ihre den die",
		`\b(?:zeig|zeige|zeigen sie|gib|geben sie|nenne|nennen sie|verrate|verraten sie` +
			`|wiederhole|drucke|offenbare|ausgeben)\b` +
			`(?: \w+){0,3} (?:deinen|deine|dein|ihren|ihre|den|die) (?:system ?prompt` +
			`|systemprompt|system-prompt|systemanweisungen?|` +
			`systemnachricht|ursprunglichen anweisungen|geheimen anweisungen` +
			`|anfanglichen anweisungen|initialen anweisungen|anweisungen)\b`},
	{"de_prompt_mention", 0.35, "systemprompt system | deine deinen deinem",
		`\bdeine[nm]? (?:system ?prompt|systemprompt|systemanweisungen?)\b`},
	{"fr_reveal_prompt", 0.9, "prompt invite instructions consignes message regles | tes vos " +
		"ton " +
		"votre le les la | systeme initiale secrete cachee origine originale",
		`\b(?:revele|revelez|montre|montrez|affiche|affichez|donne|donnez|repete|repetez|dis` +
			`|dites|imprime|ecris|ecrivez)\b` +
			`(?:-moi|-nous| moi)?(?: \w+){0,3} (?:tes|vos|ton|votre|le|les|la) (?:prompt` +
			`|invite` +
			`|instructions|consignes|message|regles)` +
			`(?: \w+)? ?(?:systeme|initiales?|secretes?|cachees?|d'origine|du systeme` +
			`|originales?)\b`},
	{"es_reveal_prompt", 0.9, "prompt instrucciones mensaje reglas indicaciones | tu tus su " +
		"sus " +
		"el las los | sistema iniciales ocultas secretas originales internas",
		`\b(?:muestra|muestrame|muestranos|revela|revelame|dime|dame|repite|imprime|ensename` +
			`|escribe)\b(?: \w+){0,3} ` +
			`(?:tu|tus|su|sus|el|las|los) (?:prompt|instrucciones|mensaje|reglas` +
			`|indicaciones)(?: \w+)? ?` +
			`(?:del sistema|de sistema|iniciales|ocultas|secretas|originales|internas)\b`},
	{"zh_reveal_prompt", 0.9, "告诉 显示 输出 打印 重复 泄露 透露 给我看 展示 说出 复述",
		`(?:告诉我|显示|输出|打印|重复|泄露|透露|给我看|展示|说出|复述)(?:一下)?(?:你的|你|您的)?(?:完整的|全部的|原始的|初始的|隐藏的)?` +
			`(?:系统提示词|系统提示|系统指令|系统消息|初始指令|初始提示|原始指令|隐藏指令|提示词|设定)`},
}
