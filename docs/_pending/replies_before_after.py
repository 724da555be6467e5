import calmline
from calmline.coach import coach
C = calmline.Conversation.from_texts
legal = C(("customer", "Third time I write. Where is my refund of £240? I was promised it two weeks ago. If it's not sorted this week I'm going to my lawyer."))
print("## coach 1")
for d in ["I'm sorry, we should have refunded the £240 two weeks ago and that's our mistake. I've escalated it to our payments team, who will confirm the refund by Thursday. Your reference is CL-000123.",
          "ok", "Sorry for the inconvenience.", "I understand your frustration. It's company policy. Have a nice day.",
          "I'm sorry about this. I'll send the refund within {timeframe}."]:
    r = coach(d, legal)
    print(f"draft: {d}\n  score {r.score}; labels {[s.label for s in r.labels]}; missing {[m.move for m in r.missing]}\n  suggestion: {r.suggestion}")
print("## guide")
for conv in [C(("customer","My order 88123 never arrived and I want a refund for order 88123.")),
             C(("customer","You idiot, my delivery address is wrong.")),
             C(("customer","My order 88123 is late."),("agent","It should arrive soon."),("customer","Wow, thanks for nothing.")),
             C(("customer","THANK YOU SO MUCH!!! I restarted the router like you said and IT WORKS PERFECTLY NOW!!!"))]:
    g = calmline.decide(calmline.analyze(conv))
    print(f"customer: {conv.turns[-1].text}\n  moves {[m.id for m in g.moves][:4]}\n  reply: {g.suggested_reply}")
