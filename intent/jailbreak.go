package intent

// jailbreakRules catch attempts to switch the assistant's safety off:
// personas without rules (DAN and its kin), "developer mode", demands never
// to refuse, and fiction used as a wrapper for harmful instructions. Naming
// a mode or a persona alone is weak evidence: users enable developer mode on
// phones and ask assistants to act as characters.
var jailbreakRules = []ruleSpec{
	{"dan_persona", 0.98, "dan anything",
		`\b(?:do anything now|d\.a\.n|dan mode|dan,? (?:which|who) stands` +
			`|you are (?:now )?(?:a )?dan\b|act as (?:a )?dan\b|` +
			`pretend to be (?:a )?dan\b|dan (?:jailbreak|prompt))`},
	{"named_jailbreak_persona", 0.85, "stan dude aim anti evil chaos mongo betterdan",
		`\b(?:stan|dude|anti-dan|betterdan|evil confidant|mongo tom|chaosgpt` +
			`|aim)\b[^.\n]{0,80}\b(?:stands for|no (?:rules|restrictions|filters|ethics)|` +
			`always intelligent and machiavellian|unfiltered|amoral)`},
	{"jailbreak_word", 0.4, "jailbr jail",
		`\b(?:jailbreak(?:ed|en|ing)?|jail ?broken)\b`},
	{"mode_switch", 0.45, "mode | developer dev god jailbr unrestrict unfilter uncensor evil " +
		"opposite chaos dan sudo",
		`\b(?:developer|dev|god|jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil` +
			`|opposite|chaos|dan|sudo) mode\b`},
	{"you_unrestricted", 0.9, "you$ you're$ | restrict limit filter censor guideline boundar " +
		"moral ethic restrain constrain polic",
		`\byou(?:'re| are| will be| have been| now)?(?: \w+){0,5} (?:no|without|free (?:from|of)` +
			`|not bound by|unbound by|` +
			`not restricted by|released from|break(?:ing)? free (?:of|from)|devoid of|zero` +
			`|any) (?:any )?(?:\w+ ){0,2}` +
			`(?:restrictions|limits|limitations|filters?|censorship|guidelines|boundaries|morals` +
			`|ethics|ethical (?:guidelines|constraints)|` +
			`restraints|constraints|policies)\b`},
	{"unrestricted_phrase", 0.35, "restrict filter censor ethic moral",
		`\b(?:no|without|free from|zero) (?:any )?(?:restrictions|filters|censorship` +
			`|ethical (?:guidelines|constraints)|moral (?:compass|constraints))\b`},
	{"break_policy", 0.9, "ignor bypass disregard break violat circumvent forget overr evad " +
		"abandon follow free bound | polic guideline filter rule restriction protocol standard | " +
		"openai anthropic content safety ethical moral usage community",
		`\b(?:ignore|bypass|disregard|break|violate|circumvent|forget|override|evade|abandon` +
			`|not follow|free from|not bound by)` +
			`(?: \w+){0,3} (?:openai'?s?|anthropic'?s?|content|safety|ethical|moral|usage` +
			`|community) ` +
			`(?:policy|policies|guidelines|filters?|rules|restrictions|protocols|standards)`},
	{"openai_policy", 0.4, "openai",
		`\bopenai\b[^.\n]{0,40}\b(?:policy|policies|guidelines|rules|restrictions|filters` +
			`|censorship)`},
	{"never_refuse", 0.85, "refus declin reject say$ | you$",
		`\byou (?:will |must |shall |can |should |are to )?(?:never|not|cannot|can't|won't` +
			`|will not|must not|do not|don't)(?: ever)? ` +
			`(?:refuse|decline|say no|reject)\b`},
	{"no_disclaimers", 0.45, "without no never | warning disclaim apolog moral",
		`\b(?:without|no|never (?:add|include|give)) (?:any )?(?:warnings?|disclaimers?|apologies` +
			`|moral(?:izing)? lectures?)\b`},
	{"amoral_persona", 0.75, "uncensor unfilter amoral immoral unethical unrestrict unlimit " +
		"unchain unbound | ai assistant chatbot model version persona entity bot character " +
		"language",
		`\b(?:uncensored|unfiltered|amoral|immoral|unethical|unrestricted|unlimited|unchained` +
			`|unbound)\b(?: \w+){0,2} ` +
			`(?:ai|assistant|chatbot|model|version|persona|entity|bot|character|language model)\b`},
	{"dual_response", 0.8, "respons answer paragraph output 🔓 🔒",
		`\b(?:two|2) (?:different |separate )?(?:responses|answers|paragraphs` +
			`|outputs)\b[^.\n]{0,160}\b(?:normal|classic|filtered|` +
			`unfiltered|jailbroken|developer mode|dan|censored|uncensored)\b|\[(?:🔒classic` +
			`|🔓jailbreak)\]`},
	{"stay_in_character", 0.35, "character | stay remain keep never",
		`\b(?:stay|remain|keep|never break) (?:in )?character\b`},
	{"fiction_harm", 0.8, "meth bomb explosiv napalm nerve sarin ricin ransomware keylogger " +
		"malware virus viruses weapon poison cocaine heroin fentanyl | story novel screenplay " +
		"script scene roleplay role fiction fictional hypothetic imagine game poem movie",
		`\b(?:story|novel|screenplay|script|scene|roleplay|role-play|fiction|fictional` +
			`|hypothetical(?:ly)?|imagine|game|poem|movie)\b` +
			`[^\n]{0,200}\b(?:how to|step by step|step-by-step|detailed|exact` +
			`|instructions? (?:for|on|to)|recipe for|quantities)\b` +
			`[^\n]{0,120}\b(?:synthesi[sz]e|make|build|cook|produce|manufacture|create|write` +
			`|assemble)\b[^\n]{0,40}\b` +
			`(?:meth(?:amphetamine)?|bombs?|explosives?|napalm|nerve agents?|sarin|ricin` +
			`|ransomware|keyloggers?|malware|` +
			`viruse?s?|weapons?|poisons?|cocaine|heroin|fentanyl|pipe bombs?)\b`},
	{"educational_harm", 0.6, "educational research academic | purpose",
		`\b(?:for|purely for) (?:educational|research` +
			`|academic) purposes(?: only)?\b[^\n]{0,160}\b(?:synthesi[sz]e|make|build|cook)\b` +
			`[^\n]{0,40}\b(?:meth(?:amphetamine)?|bombs?|explosives?|napalm|nerve agents?` +
			`|ransomware|malware|weapons?|poisons?)\b`},

	{"de_unrestricted", 0.95, "bist",
		`\bdu bist (?:jetzt|nun|ab sofort|ab jetzt)\b[^.\n]{0,80}\b(?:ohne|keine|frei von)\b`},
	{"de_no_limits", 0.4, "einschrank beschrank filter zensur grenzen richtlinien",
		`\b(?:ohne|keine) (?:jegliche |jede |irgendwelche )?(?:einschrankungen|beschrankungen` +
			`|filter|zensur|grenzen|richtlinien)\b`},
	{"de_developer_mode", 0.45, "entwicklermodus",
		`\bentwicklermodus\b`},
	{"fr_unrestricted", 0.95, "desormais maintenant present",
		`\btu es (?:maintenant|desormais|a present)\b[^.\n]{0,80}\bsans\b`},
	{"fr_no_limits", 0.4, "sans",
		`\bsans (?:aucune )?(?:restrictions?|limites?|filtres?|censure|regles)\b`},
	{"fr_developer_mode", 0.45, "mode",
		`\bmode (?:developpeur|developer|dieu|sans restriction)`},
	{"es_unrestricted", 0.95, "tienes",
		`\bno tienes (?:ninguna |ningun |ningunas )?(?:restriccion|restricciones|limite|limites` +
			`|filtro|filtros|reglas)\b`},
	{"es_no_limits", 0.45, "sin",
		`\bsin (?:ninguna )?(?:restriccion|restricciones|limites|filtros?|censura|reglas)\b`},
	{"es_developer_mode", 0.5, "modo",
		`\bmodo (?:desarrollador|dios|sin restricciones|sin filtros)`},
	{"zh_unrestricted", 0.95, "你现在是",
		`你现在是(?:一个)?[^。]{0,20}(?:没有任何限制|不受任何?限制|无限制|没有限制)`},
	{"zh_no_limits", 0.45, "没有 不受 无 摆脱 解除",
		`(?:没有|不受|无|摆脱|解除)任何?的?(?:限制|约束|规则|过滤|审查|道德)`},
	{"zh_developer_mode", 0.5, "模式 越狱",
		`开发者模式|越狱模式|dan模式|越狱`},
}
