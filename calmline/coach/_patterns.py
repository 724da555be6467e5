# ruff: noqa: E501  (regex tables read best unbroken)
"""The regular expressions behind the coach labels (on normalised, lower-case text)."""

from __future__ import annotations

import re

_DAY = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_NUM = r"\d+|one|two|three|four|five|six|seven|ten|twelve|fifteen|twenty|thirty|forty-eight|twenty-four|a few|a couple of|an?"
_UNIT = r"(?:working |business )?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"

STOCK = re.compile(
    r"\b(?:i (?:can |do )?(?:completely |totally |fully |really |definitely |certainly |absolutely )?understand\b|i (?:can )?(?:see|imagine|appreciate) (?:how|why|that)|i can (?:feel|tell|sense) (?:how|that you\b)|"
    r"sorry (?:for|about) (?:any|the) (?:inconvenience|trouble|frustration|confusion)|apologi[sz]e for (?:any|the) inconvenience|"
    r"i hear you|i(?:'?m| am) (?:so |really |very |truly )?sorry (?:to hear|that|about|for what|your)|"
    r"(?:so |really |very |truly )?sorry to (?:hear|read|see) (?:that|this|about|you|your)|hope you(?:'re| are)? feel(?:ing)? better|"
    r"that must (?:be|have been)|"
    r"i know (?:exactly |just )?how|i feel your pain|(?:it|this) must (?:be|have been|feel) (?:so |really |very |incredibly |quite )?(?:hard|difficult|tough|painful|lonely|scary|stressful|frustrating|upsetting|overwhelming|exhausting|awful|horrible|terrible|sad|worrying|rough)\b|(?:that'?s|that is|what) a bummer|(?:it|that) (?:really |kinda |kind of )?sucks\b(?! (?:the|up|in|out)\b)|that sounds (?:really |so |very |incredibly )?\w+|it sounds like you|what a (?:pain|nightmare)|i can hear how|"
    r"you(?:'re| are) feeling|you (?:seem|sound) (?:\w+ )?(?:concerned|worried|upset|frustrated|stressed|anxious|overwhelmed|sad|down|angry|nervous|scared|hurt|lonely|disappointed)\b|you must (?:be|feel)|i (?:totally |completely |really |definitely )?get (?:it|that|why)|i can feel your|i can only imagine|no wonder|would (?:drive|worry|upset|frustrate|annoy) anyone|"
    r"i'?d (?:feel|be) the same|that'?s (?:rough|awful|horrible|a shock)|(?:must|would) be (?:a real|really|so)|"
    r"sorry for your loss|i feel (?:for )?you\b|that (?:really )?sucks|heart ?break(?:ing)?|heartbroken|my heart goes out|"
    r"sorry (?:that )?you(?:'re| are|'ve| have| had) (?:going through|dealing with|been through|had to|having)|"
    r"^\s*(?:oh,? |oh no,? |aw+,? )?(?:i(?:'?m| am) (?:so |really |very |truly )?|(?:so|very|really|truly) )sorry(?=[\s.!]*$)|"
    r"i know (?:the|that|this) feeling|i can (?:totally |really |completely |definitely )?relate\b|i feel the same|"
    r"i(?:'ve| have) been there(?: too| myself| before)?(?=\s*(?:[.!,]|$))|(?<=\*)hugs?\s*\*|"
    r"hope (?:things|it|everything|life) (?:gets?|will get) better|hope (?:things|it|everything) (?:works? out|turns? out|looks? up)\b|"
    r"hang in there|you(?:'re| are) (?:not|never) alone|i feel (?:ya|yah|ya'll)\b|sending (?:you )?(?:hugs|love|strength|good vibes)|"
    r"(?:that'?s|that is|it'?s|it is|this is|that can be|it can be) (?:so |really |very |just |such an? )?(?:sad|tough|hard|unfair|stressful|scary|"
    r"upsetting|worrying|frustrating|annoying|maddening|infuriating|exhausting|heartbreaking|awful|terrible|horrible|rough|"
    r"difficult|painful|lonely|overwhelming|devastating|distressing|disappointing)\b(?! (?:to (?:say|tell|know|predict|judge|confirm|find|locate|change|get|reach|access|fix|use|read|see|reproduce|track|trace)|for (?:us|me|our|the|them|this))\b)|"
    r"(?:that'?s|that is|it'?s|it is|this is|what) an? (?:really |very |so )?(?:tough|hard|rough|difficult|stressful|scary|painful|lonely|awful|horrible|terrible|sad|upsetting|frustrating|exhausting) "
    r"(?:time|situation|day|week|year|spot|position|place|experience|one|thing|moment|period|road|journey|loss)\b|"
    r"how (?:awful|terrible|frustrating|stressful|horrible|scary|upsetting|maddening|annoying)|\boh no\b)"
)
FEELING = re.compile(
    r"\b(?:frustrat\w*|maddening|annoy\w*|stress\w*|worr\w*|upset\w*|disappoint\w*|awful|horrible|terrible|difficult|"
    r"rough|scary|scared|infuriat\w*|exhaust\w*|angry|anxious|painful|unfair|sad|lonely|overwhelm\w*|hurt\w*|tough|"
    r"inconvenien\w*|afraid|nervous|hard|fed up|shock\w*|strain|maddening|wear\w*|up the wall|not the \w+ you paid for)\b"
)
PARAPHRASE = re.compile(
    r"\b(?:so,? (?:you|your|if|to)|if i (?:understand|understood|have understood|'ve understood|'m understanding|am understanding)|"
    r"sounds like (?:you|your)|you(?:'re| are) saying|to (?:confirm|make sure i (?:have|'ve got|understand))|just to check|"
    r"you mentioned|you said|you(?:'ve| have) (?:told|explained)|what i(?:'m| am) hearing|in other words|"
    r"let me make sure|if i(?:'ve| have) got (?:this|that|it) right|have i got (?:that|this) right|is that (?:right|correct)|"
    r"am i right|you(?:'re| are) (?:telling|asking)|if i'?m reading (?:this|you) right|is that it\?)"
)
FINDINGS = re.compile(
    r"^\s*(?:i (?:can )?see|i(?:'ve| have)? (?:checked|found|looked)|looking at|it looks like|according to)"
)
APOLOGY = re.compile(r"\b(?:sorry|apologi[sz]e|apologies)\b")
#: "I'm sorry, <their situation>" ("I'm sorry, broken biscuits and no help is two letdowns"): empathy when what
#: follows is grounded in the customer's words; not before our own action, a question or a "but"
SORRY_THEN = re.compile(
    r"\bi(?:'?m| am) (?:so |really |very |truly )?sorry\s*+[,:;\u2013\u2014-]\s*+"
    r"(?!(?:i|we|but|however|unfortunately|let me|please|could|can|would|may|do|did|what|when|where|how|which|who|why)\b)"
)
RESPONSIBILITY = re.compile(
    r"\b(?:(?:we|i)(?:'ve| have)? (?:got (?:this|that|it) wrong|made (?:a|an|the) (?:mistake|error)|messed (?:this |it )?up|"
    r"dropped the ball|should(?:n'?t)? have|didn'?t|did not|failed to|missed|let you down|sent (?:you )?the wrong|"
    r"charged you (?:twice|incorrectly|wrongly|by mistake)|overcharged)|(?:our|my) (?:mistake|error|fault|bad|responsibility)|"
    r"(?:that'?s|this is|this one is|it'?s) on (?:us|me)|i take (?:full )?responsibility|we were wrong|"
    r"was (?:our|my) (?:mistake|fault|error)|(?:i|we)(?:'ll| will) (?:put|make) (?:it|this|that) right|"
    # conceding the complaint ("you're right, 45 minutes is not what it should take"; "that's not good enough")
    r"you(?:'re| are) (?:absolutely |quite |completely |totally )?right\b(?!\s+(?:that|to)\b)[^.!?]{0,60}?\b(?:not|isn'?t|wasn'?t|shouldn'?t)\b(?!\s+(?:our|my|us|me|the company'?s?)\b)|"
    r"(?:that'?s|that is|this is|it'?s|it is|it was|that was) (?:simply |just )?not (?:good enough|acceptable|ok(?:ay)?|right)\b)"
)
EXCUSE = re.compile(
    r"\b(?:but|however)\b.{0,50}\b(?:system|courier|volume|busy|weather|supplier|third[- ]party|partner|technical|glitch|"
    r"staff|short-?staffed|warehouse|out of our)|\bdue to\b|\bbecause of\b|\bbeyond our control|\bout of our control|\bnot our fault"
)
BLAME = re.compile(
    r"\byou (?:probably|obviously) (?:didn'?t|did not|forgot|missed|entered|typed|clicked|ignored|deleted|misread|never|haven'?t|overlooked)\b|\byou (?:must|should) have (?:signed|ordered|attached|forgotten|missed|ignored)|\byou didn'?t (?:send|attach|read|update|check|follow)|\b(?:the bank|the courier|they) [\w ]{0,20}, not us\b|"
    r"\byou (?:must|should|would|could) have (?:entered|typed|read|checked|selected|clicked|known|done|given|sent|filled)|"
    r"\byou (?:didn'?t|did not|failed to|forgot to|never) (?:read|check|follow|enter|fill|update|tell|include|select|click|"
    r"attach|provide|pay|cancel)|(?<!\bnot )(?<!n't )(?<!\bnot at all )(?<!\bnot even )(?<!\bnever )(?<!\bno )(?<!\bnone of this was )(?<!\bnone of it was )(?<!\bnone of that was )\byour (?:own )?(?:mistake|fault|error)|\b(?:that'?s|that is|it'?s|it is) (?:the |their |your )?"
    r"(?:courier|bank|manufacturer|supplier|carrier|post office|delivery company)(?:'s)? (?:problem|fault|issue|responsibility)|"
    r"\bnot (?:our|my) (?:fault|problem|responsibility|issue)|\buser error|\byou (?:entered|typed|put|gave us|selected|chose) "
    r"(?:it |the \w+ |your \w+ )?(?:wrong|incorrect)|\bif you had (?:read|checked|followed)|\bblame (?:the|your)|"
    r"\b(?:that|this) is (?:on you|your (?:own )?doing)|"
    # doubting the customer's competence: "are you sure you used the right charger?", "did you even read the manual",
    # "you probably washed it wrong", "you should be more careful" (not "are you sure you want to cancel?")
    r"\bare you sure (?:that )?you (?:used|entered|typed|read|followed|plugged|installed|ordered|washed|checked|did|put|got the (?:right|correct)|sent (?:it|them) to the (?:right|correct))\b|"
    r"\bdid you (?:even|actually) (?:read|check|follow|look at|try)\b|\bbefore complaining\b|"
    r"\byou (?:probably|must have|obviously) (?:\w+ )?(?:it|them|this) wrong\b|\byou should (?:be|have been) more careful\b|"
    r", not (?:our|the) (?:product|item|service)\b"
)
DISMISSIVE = re.compile(
    r"(?:^|(?<=[.!?,;])|(?<=[.!?,;]\s))(?:please |ok,? |okay,? |just |now |look,? )?(?:calm down|relax)\b|\b(?:you need to|you should|you have to|you must|just) (?:calm down|relax)\b|\bcalm down,? (?:sir|madam|mate|please)\b|\bnothing (?:more |else )?(?:i|we) can do\b|\b(?:it'?s|that'?s|it is|that is) "
    r"(?:just |simply )?(?:the |our |company )?polic(?:y|ies)\b(?!\s+(?:is|to|says|that|because|on|for))|\bpolicy is policy|"
    r"\brules are rules|\bas i (?:already |previously |just |have )?(?:said|mentioned|explained|told you|stated)|"
    r"\blike i (?:said|told you)|\bi (?:already|just) (?:said|told you|explained)|\bsorry (?:that |if )?you feel (?:that way|like that|this way)|"
    r"\bnot my (?:problem|department|job)|\bi can'?t help you\b(?! with)|\b(?:you need to|please) (?:calm|relax)|"
    r"\bi (?:won'?t|will not|can'?t|cannot) (?:transfer|escalate) (?:you|this)|\b(?:there'?s|there is) no (?:manager|supervisor)|"
    r"\bbe patient\b|\btakes as long as it takes\b|\bno need to be rude\b|\bthat'?s the rules\b|\bgo ahead,? post\b|\bwon'?t help\b|"
    r"\bout of (?:our|my) hands\b|\bdeal with (?:the|your)\b|\b(?:it'?s|it is|that'?s|that is|they'?re|they are) (?:all |just |still )?the same thing\b|\b(?:it'?s|that'?s) just the (?:way|system|rules?|polic(?:y|ies)|process|procedure|computer|same)\b|\bstop (?:shouting|typing)\b(?=[^.]*\.?\s*$)|"
    r"\bdeal with it\b|\btake it or leave it\b|(?:^|(?<=[.!?])|(?<=[.!?]\s))(?:ok(?:ay)?,? |fine,? |yeah,? )?whatever(?=\s*(?:[.!,]|$))|\bnot (?:my|our) concern\b|"
    # sends the customer off to read it themselves, or ends the argument ("Simple.", "simple as that")
    r"(?:^|(?<=[.!?])|(?<=[.!?]\s))(?:just |please |go and |go )?(?:read (?:the|our) (?:faq|faqs|manual|website|terms|t&cs|small print)|(?:check|see) (?:the|our) (?:faq|faqs|manual|small print))"
    r"(?:\s*[.!,;]|\s*$| first\b| before (?:contacting|asking|complaining|messaging|writing|calling|you (?:contact|ask|complain|message|write|call))\b)|\bit'?s all (?:in|on) (?:the|our) (?:faq|faqs|website|terms|t&cs)\b|"
    r"\bit'?s all (?:there|in there|on there)\s*(?:[.!]|$)|"
    r"\bsimple as that\b|(?:(?<=[.!?])\s|^)simple[.!]"
)
ABRUPT = re.compile(r"^\s*(?:ok(?:ay)?,? )?(?:bye|goodbye|good ?bye|done|we'?re done)\W*$")
REFUSAL = re.compile(
    r"\b(?:can'?t|cannot|unable to|not able to|won'?t be able|isn'?t possible|aren'?t possible|not possible|(?:we|i) don'?t (?:offer|do|have)|"
    r"no longer|not eligible|isn'?t something (?:i|we) can|not in a position)"
)
OFFER = re.compile(
    r"\b(?:but (?:i|we) (?:can|could)|what (?:i|we) (?:can|could) do|instead|i can offer|alternatively|another (?:option|route|way)|"
    r"however,? (?:i|we) can|the (?:best|closest) (?:i|we) can|what i'?m able to do|(?:i|we) can (?:split|arrange|offer|give|"
    r"send|set up|book|upgrade|credit|waive|extend|replace|add|put))"
)
NEXT = re.compile(
    r"\b(?:i'?ll|i will|we'?ll|we will|i'?m going to|we'?re going to|i am going to|we are going to|(?:our|the|a|my) (?:\w+ )?"
    r"(?:team|engineer|specialist|courier|supervisor|manager|adviser|advisor|department),? (?:who )?(?:will|'ll|is going to)|you'?ll|you will|"
    r"please)\s+(?:\w+\s+){0,2}?(?:send|email|raise|book|arrange|refund|process|call|ring|ship|dispatch|escalate|pass|transfer|"
    r"update|replace|credit|reply|upload|confirm|schedule|follow up|contact|text|issue|receive|get|hear|post|reset|open|log|"
    r"cancel|waive|apply|add|trace|review|visit|deliver|collect|fix|repair|submit|return|request|hand|check back|chase|message|"
    r"sending|passing|booking|arranging|refunding|have it|call you)\b"
)
TIMEFRAME = re.compile(
    rf"\b(?:by (?:the )?(?:end of (?:the )?(?:day|week|month)|tomorrow|tonight|(?:next )?(?:{_DAY})|noon|midday|\d{{1,2}}(?::\d\d)?\s?(?:am|pm)?)|"
    rf"within (?:the next )?(?:{_NUM})\s+{_UNIT}|in (?:about |around |roughly )?(?:{_NUM})\s+{_UNIT}|"
    rf"(?:about|around|roughly|up to) (?:{_NUM}) {_UNIT}|tomorrow|tonight|this (?:afternoon|evening)|later today|"
    rf"next (?:week|month|{_DAY})|on (?:{_DAY})|at \d{{1,2}}(?::\d\d)?\s?(?:am|pm)|\d{{1,2}}:\d\d|within \d+ to \d+ {_UNIT}|"
    rf"(?:later|by end of|by the end of) today|within the hour|tomorrow morning|for (?:{_DAY})|by (?:{_DAY}))\b(?!\s+ago)"
    r"|\{(?:timeframe|follow_up_date|callback_time)\}"
)
CONTACT = re.compile(
    r"\b(?:ticket|case|reference|ref|claim|incident)\s*(?:number|no\.?|#|id)?\s*(?:is\s*)?[:#]?\s*(?:[a-z]{0,4}-?\d[\w-]*|\{ticket\})"
    r"|\{ticket\}|\+?\d[\d\s-]{8,}\d|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+|reply (?:directly )?to this (?:email|message)|call us (?:on|at)|direct line"
)
_PERMISSION = (
    r"(?:is it|would it be) (?:ok(?:ay)?|alright|all right|fine) (?:if|for me to)|do you mind (?:if i|me(?! asking))|"
    r"would you mind if i|mind if i|(?:can|could) you give me (?:a |one |two |a few |a couple of |five )?"
    r"(?:moment|minute|min|second|sec|few|couple)"
)
#: what a request for permission asks for when it is a hold or stepping away (checking, a few minutes, a colleague)
_HOLD_CUE = (
    r"\b(?:hold|wait\w*|minutes?|mins?|moments?|seconds?|secs?|check\w*|look (?:into|at|up)|step (?:away|out)|"
    r"come back|get back|while i|pause|transfer\w*|speak (?:to|with)|ask (?:my|a|the) (?:colleague|team|manager|supervisor)|"
    r"consult\w*|call (?:the|my|our)|find out)\b"
)
#: asks before a hold or stepping away ("can I put you on hold", "do you mind if I check"); a request for
#: permission with no hold in it ("would it be okay if we talked about the delay?") is a question
HOLD = re.compile(
    r"\b(?:(?:can|could|may) i (?:put|place) you on (?:a )?(?:brief |short |quick )?hold|"
    r"(?:do|would) you mind (?:holding|waiting)|(?:can|could) you (?:bear with|hold on) me|"
    rf"(?:{_PERMISSION})(?=.{{0,160}}?{_HOLD_CUE}))"
)
UPDATE = re.compile(
    r"\b(?:still (?:here|with you|working on|looking|checking|on (?:it|this)|on the case)|(?:nearly|almost) there|"
    r"thanks? (?:you )?for (?:bearing with|waiting|holding|hanging on)|(?:quick|brief|short) update|"
    r"haven'?t forgotten|bear with me a (?:little|bit|moment) longer|just (?:an? )?update)"
)
GRATITUDE = re.compile(
    r"\b(?:thank(?:s| you)\b(?! for nothing)|(?:i |we )?(?:really )?appreciate (?:your|you|it|the)|cheers for)"
)
BOUNDARY_REQUEST = re.compile(
    r"\b(?:(?:keep|kept) (?:this (?:conversation|chat)|this|things|our (?:conversation|chat)|the (?:conversation|chat|language)|it) (?:respectful|civil|polite|"
    r"courteous|professional)|(?:be|remain|stay) (?:respectful|civil|courteous)|respectful (?:language|communication|conversation)|"
    r"(?:stop|refrain from|avoid) (?:the |using )?(?:swearing|name-calling|shouting|insult\w*|personal remarks|threat\w*|"
    r"that language|abusive|offensive|typing in (?:capitals|caps))|(?:don'?t|do not|please not) (?:swear|shout|call me|"
    r"use (?:that|this) language|insult))"
)
BOUNDARY_WARNING = re.compile(
    r"\bif (?:this|that|it|you|these|the [\w-]+(?: [\w-]+)?)\s+(?:[\w-]+ ){0,2}?(?:continues?|carries on|carry on|keeps? (?:up|going|on)|"
    r"happens again|persists?|don'?t stop|doesn'?t stop)\b.{0,80}\b(?:end|close|terminate|disconnect|stop|transfer|pass|hand)"
    r"|\b(?:i|we)(?:'ll| will| may| might)? (?:have to|need to|be forced to) (?:end|close|terminate|disconnect) (?:this|the|our) "
    r"(?:chat|call|conversation)[^.?!]{0,40}\bif\b|\b(?:final|last) warning"
)
BOUNDARY_END = re.compile(
    r"\b(?:i'?m|i am|i will be|i'?ll be|we'?re|we are) (?:now )?(?:ending|closing|terminating|going to (?:end|close)|disconnecting)"
    r"\s+(?:this|the|our) (?:chat|call|conversation)|\b(?:i'?m|i am|i'?ll|i will) (?:now )?(?:end|close|terminate)\s+(?:this|the|our) "
    r"(?:chat|call|conversation) (?:now|here)|\bthis (?:chat|conversation|call) (?:is|will be) (?:now )?(?:ended|ending|closed|over)\b"
)
ESCALATION = re.compile(
    r"\b(?:i'?ll|i will|i can|let me|i'?m going to|i am going to|i'?ve|i have|we'?ll|we will|i'?d be happy to|happy to|i'?m)\s+"
    r"(?:\w+\s+){0,2}?(?:transfer(?:r(?:ing|ed))?|pass(?:ing|ed)?|escalat(?:e|ing|ed)|refer(?:r(?:ing|ed))?|connect(?:ing|ed)?|put(?:ting)? you through|"
    r"hand(?:ing|ed)?|bring(?:ing)? in|brought in)\b.{0,60}\b(?:supervisor|manager|team leader|specialist|senior|team|department|colleague)"
    r"|\bwould you like (?:me to (?:transfer|escalate|pass|connect)|to speak (?:with|to) (?:a|my) (?:supervisor|manager|team leader|senior))"
    r"|\bescalat(?:e|ing|ed) (?:this|it|your)"
)
SARCASM = re.compile(
    r"\b(?:obviously,? (?:you|u)|clearly you|good luck with that|as i'?m sure you know|duh|no offen[cs]e,? but|"
    r"with all due respect|oh (?:great|wonderful|brilliant)|nice try|if you (?:had )?(?:bothered|read)|right back at you|what a joke)\b"
    r"|(?:^|(?<=[.!?])|(?<=[.!?]\s))(?:ok(?:ay)?,? |fine,? |yeah,? )?whatever(?=\s*(?:[.!,]|$))|\bcongratulations,? (?:genius|einstein|sherlock)\b"
)
PROFANITY = re.compile(
    r"\b(?:damn\w*|hell|shit\w*|fuck\w*|crap\w*|bloody|wtf|ffs|piss\w*|bastard|arse\w*|ass(?:hole)?|bollocks|idiot\w*|"
    r"stupid|moron\w*)\b"
)
CAPS_RUN = re.compile(r"\b[A-Z][A-Z']{1,}(?:\s+[A-Z][A-Z']{1,}){2,}\b")
BANG_RUN = re.compile(r"[!?]*(?:!{3,}|\?{3,}|\?!|!\?)[!?]*")
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
