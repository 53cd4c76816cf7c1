using static FiniteMemory.Evaluation.SyntheticVocabulary;

namespace FiniteMemory.Evaluation;

/// <summary>
/// The catalogue of fact kinds the synthetic generator plants: people, pets, places, work, health, dates and
/// appointments, numbers, favourites and plans; some can be updated later, some are two-hop (a fact about a person
/// another statement introduces). See <see cref="SyntheticFactKind"/> for the template language.
/// </summary>
internal static class SyntheticFacts
{
    public static readonly SyntheticFactKind[] All =
    [
        new()
        {
            Name = "dog",
            Draw = r => r.Pick(PetNames),
            DrawAux = r => r.Pick(DogBreeds),
            Statements =
            [
                "We adopted a {aux} puppy [last weekend|a few days ago] and [named|called] him {value}.",
                "Big news at home: we brought a {aux} puppy home and settled on the name {value}.",
                "Our new {aux} puppy is called {value}, and he has already [eaten a sock|claimed the sofa|learned to sit].",
            ],
            Questions = ["What did I end up calling the puppy we adopted?", "What's the name of our new puppy?", "Remind me, what did we name the puppy?"],
            Distractors =
            [
                "My [colleague|neighbour|cousin] {person} has a puppy called {other} [who barks at every bike|that is terrified of the hoover].",
                "{person} has already picked a name for the puppy [they want|they keep talking about]: {other}.",
                "I met a [lovely|very muddy] puppy called {other} at the park [this morning|yesterday].",
                "Any tips for getting a new puppy to sleep through the night? [Asking for a friend.|It's for my sister-in-law.] || Most puppies settle faster with a fixed bedtime routine, a crate in the bedroom at first, and a last short walk right before lights out; expect a few rough nights before it clicks.",
                "How long should a puppy be left alone at home? {person} is worried about it. || A young puppy shouldn't be left alone for long stretches; build up slowly from a few minutes, leave something safe to chew, and ask a neighbour or a walker to break up a long working day.",
            ],
            Acknowledgements = ["Congratulations on the new puppy!", "A puppy, how exciting!", "Puppies are so much work, but worth it."],
            Mentions = ["{value} [chewed through another phone charger|stole a whole sandwich off the table] [last night|this morning].", "Walking {value} in the rain this morning was [an adventure|not fun]."],
        },
        new()
        {
            Name = "cat",
            Draw = r => r.Pick(PetNames),
            Statements =
            [
                "Our cat {value} has decided the [laundry basket|heating vent|new laptop bag] is her bed now.",
                "We've had our [tabby|ginger|black] cat, {value}, for years and she still [ignores us|runs the house].",
                "I got a rescue cat [this spring|recently]; she's called {value}.",
            ],
            Questions = ["What's my cat's name?", "Remind me what our cat is called?", "What did I name the rescue cat?"],
            Distractors =
            [
                "{person}'s cat is called {other} and [hates everyone except the postman|sleeps in the sink].",
                "My [neighbour|sister-in-law] wants to name her new cat {other}.",
                "How often should a cat go to the vet for check-ups? || Healthy adult cats usually need a check-up once a year and older cats more often; vaccinations and a dental check are often done in the same visit.",
                "Why does a cat knock things off tables? {person} wants to know. || Cats knock things over to test their surroundings and, often, to get attention; giving them a window perch and short play sessions usually helps.",
            ],
            Acknowledgements = ["Cats really do pick the strangest spots.", "Sounds like a cat with strong opinions."],
            Mentions = ["{value} [brought a leaf in as a present|sat on my keyboard during a call] [today|this morning]."],
        },
        new()
        {
            Name = "sister",
            Draw = r => r.Pick(FemaleNames),
            Statements =
            [
                "My sister {value} is coming to stay [for a few days|for a week], so the spare room needs clearing.",
                "I had a long call with my [older|younger] sister, {value}, last night.",
                "My sister {value} just sent me [photos of her garden|a voice note about her holiday] that made my day.",
            ],
            Questions = ["What's my sister's name?", "Remind me, what is my sister called?", "Who is my sister again?"],
            Distractors =
            [
                "My colleague {person}'s sister {other} [runs a bakery|is a pilot|lives abroad].",
                "{person} and her sister {other} are [opening a shop together|training for a triathlon].",
                "Any ideas for a present for a sister who has everything? It's for {person}. || For someone who has everything, experiences usually land better than objects: a cooking class, concert tickets, or a day out you plan together.",
            ],
            Acknowledgements = ["That sounds lovely.", "It's nice that you two stay close."],
        },
        new()
        {
            Name = "brother",
            Draw = r => r.Pick(MaleNames),
            Statements =
            [
                "My brother {value} [finally passed his driving test|signed up for a half marathon|has taken up pottery], which nobody saw coming.",
                "I'm helping my little brother, {value}, move flat [this weekend|soon].",
                "My big brother {value} called to ask about [the family reunion|our parents' anniversary].",
            ],
            Questions = ["What's my brother called?", "What's the name of my brother?", "Remind me of my brother's name?"],
            Distractors =
            [
                "{person} from work has a brother called {other} who [plays in a band|works on cruise ships].",
                "My neighbour's brother {other} is [staying with them|visiting] for the summer.",
                "What's a good gift for a brother who likes [camping|cooking]? || For a camper or a cook, useful beats decorative: a good knife or a compact stove, a cookbook from a cuisine they haven't tried, or a voucher for a course.",
            ],
            Acknowledgements = ["Good for him!", "Sounds like a busy family."],
        },
        new()
        {
            Name = "partner",
            Draw = r => r.Pick(PeopleNames),
            Statements =
            [
                "My partner {value} and I [just booked a cooking class|finally repainted the hallway|are celebrating five years together].",
                "{value}, my partner, [made pancakes this morning|has been working nights], so I'm a bit [spoiled|tired].",
                "My partner {value} thinks I should [take a proper break|finally learn to cook].",
            ],
            Questions = ["What's my partner's name?", "Who is my partner?", "Remind me, what's my partner called?"],
            Distractors =
            [
                "{person} from my running group introduced her partner, {other}, at the party.",
                "How do you split chores fairly with a partner when you both work long hours? || Couples who split chores well usually divide by ownership rather than by task: each person owns whole areas, like laundry or meal planning, including remembering to do them.",
                "{person}'s partner {other} [is a chef|fixes old bikes] and it shows.",
            ],
            Acknowledgements = ["That's sweet.", "Sounds like a good team."],
        },
        new()
        {
            Name = "best-friend",
            Draw = r => r.Pick(PeopleNames),
            Statements =
            [
                "My best friend {value} [just got engaged|is moving abroad|turned up with cake] and I'm [thrilled|emotional].",
                "I've known my best friend, {value}, since school, and we still talk every week.",
                "{value}, my best friend, [talked me into a pottery class|is visiting next month].",
            ],
            Questions = ["Who is my best friend?", "What's my best friend's name?", "Remind me of my best friend's name?"],
            Distractors =
            [
                "{person}'s best friend {other} is [visiting from abroad|an incredible cook].",
                "How do you stay close to a friend who lives far away? || Long-distance friendships survive on rituals: a standing call, a shared playlist or book, and one trip a year that you both protect in the calendar.",
                "My friend {other} from the book club [lent me a novel|invited us to dinner].",
            ],
            Acknowledgements = ["Friends like that are gold.", "That's lovely news."],
        },
        new()
        {
            Name = "son",
            Draw = r => r.Pick(MaleNames),
            Statements =
            [
                "My son {value} [lost his first tooth|scored his first goal|built a volcano for school] [today|this week].",
                "{value}, our son, has decided he wants to be [an astronaut|a paleontologist|a chef] when he grows up.",
                "I had to pick up my son, {value}, early from school today.",
            ],
            Questions = ["What's my son called?", "What's the name of my son?", "Remind me of my son's name?"],
            Distractors =
            [
                "{person}'s son {other} is in the same [football team|swimming class] as my nephew.",
                "What's a good book for a son who hates reading? {person} asked me. || Reluctant readers often take to comics, short funny chapters, or non-fiction about something they already love; reading together for ten minutes a night helps more than any list.",
                "A friend's son called {other} [came over to play|broke our garden gnome] [yesterday|last week].",
            ],
            Acknowledgements = ["Kids are the best.", "What a big moment."],
        },
        new()
        {
            Name = "daughter",
            Draw = r => r.Pick(FemaleNames),
            Statements =
            [
                "My daughter {value} [learned to ride her bike|painted the whole fence|wrote a poem for me] [today|this week].",
                "{value}, our daughter, is obsessed with [dinosaurs|volcanoes|space] at the moment.",
                "I have to drive my daughter, {value}, to a party this afternoon.",
            ],
            Questions = ["What's my daughter called?", "What's the name of my daughter?", "Remind me of my daughter's name?"],
            Distractors =
            [
                "{person}'s daughter {other} [just started university|plays the drums].",
                "How do I help a daughter who is nervous about a new school? || Visit the school together beforehand, practise the route, and talk through what a normal day looks like; knowing one friendly face there also helps.",
                "My cousin named her daughter {other}, which I love.",
            ],
            Acknowledgements = ["That's adorable.", "Sounds like she keeps you busy."],
        },
        new()
        {
            Name = "son-age",
            Draw = Age,
            Statements =
            [
                "Our son just turned {value}[, and he wants a dinosaur cake|; time flies].",
                "Hard to believe our son is already {value}.",
            ],
            Questions = ["How old is my son now?", "What age did my son just reach?", "Remind me how old my son is?"],
            Distractors =
            [
                "{person}'s son is {other} and already taller than his dad.",
                "At what age should a son start doing chores? || Most children can help with small jobs early on; match the chore to what they can do well, and make it part of the routine rather than a favour.",
            ],
            Acknowledgements = ["Happy birthday to him!", "They grow up so fast."],
        },
        new()
        {
            Name = "doctor",
            Draw = r => r.Pick(Surnames),
            Statements =
            [
                "My family doctor, Dr. {value}, wants [blood tests|a follow-up] [next month|in a few weeks].",
                "I saw Dr. {value}, my doctor, about my back [today|this morning].",
            ],
            Questions = ["What's the name of my family doctor?", "Which doctor do I see for check-ups?", "Who is my doctor?"],
            Distractors =
            [
                "{person} swears by her doctor, Dr. {other}, at the [clinic near the station|new health centre].",
                "How often should an adult see a doctor for a general check-up? || For a healthy adult, a general check-up every year or two is common; anything new or persistent is worth a visit sooner rather than waiting for the routine one.",
            ],
            Acknowledgements = ["Good that you're getting it checked.", "Hope it's nothing serious."],
        },
        new()
        {
            Name = "neighbour",
            Draw = r => r.Pick(FemaleNames),
            Statements =
            [
                "Our next-door neighbour {value} [lent us a ladder|brought over a lemon cake|is redoing her garden].",
                "{value}, our neighbour, [waters our plants when we travel|knows everyone on the street].",
            ],
            Questions = ["What's our neighbour's name?", "Who is our next-door neighbour?", "Remind me what our neighbour is called?"],
            Distractors =
            [
                "{person} says her neighbour {other} [plays drums at midnight|feeds every cat around].",
                "How do I politely ask a neighbour to keep the noise down? || Pick a calm moment, keep it specific and friendly, and suggest something concrete, like quieter hours after ten; most people simply don't realise how far sound travels.",
            ],
            Acknowledgements = ["Good neighbours make all the difference.", "That's kind of them."],
        },
        new()
        {
            Name = "manager",
            Draw = r => r.Pick(PeopleNames),
            Statements =
            [
                "My manager, {value}, [finally approved my leave|wants the report by the end of the week].",
                "I had a one-to-one with {value}, my boss, and it went [well|better than expected].",
            ],
            Questions = ["Who is my manager at work?", "What's my manager's name?", "Who do I report to, what's my manager called?"],
            Distractors =
            [
                "My friend {person} has a manager called {other} who [micromanages everything|never answers emails].",
                "How do I ask my manager for a raise without sounding demanding? || Come with evidence rather than feelings: what you delivered, what the role pays elsewhere, and a specific number; then ask what it would take if the answer is not yet.",
                "{person}'s old manager, {other}, is now [running a startup|teaching at a college].",
            ],
            Acknowledgements = ["Good to have a supportive manager.", "Sounds productive."],
        },
        new()
        {
            Name = "street",
            Draw = Street,
            Statements =
            [
                "We live on {value}, [right by the bakery|near the tram stop|above a florist].",
                "Our place on {value} [gets the morning sun|is tiny but cosy].",
            ],
            Questions = ["What street do I live on?", "Which street is our place on?", "Remind me which street we live on?"],
            Distractors =
            [
                "{person} used to live on a noisy street before moving to {other}.",
                "Is it worth paying more to live on a quiet street? || A quiet street mostly pays off in sleep: if you're a light sleeper or work from home, it is worth more than an extra room; otherwise good windows do a lot.",
                "{person} wants to live on {other} one day; it's the prettiest street in town.",
            ],
            Acknowledgements = ["Sounds like a nice spot.", "Handy location."],
        },
        new()
        {
            Name = "apartment",
            Draw = Apartment,
            Statements =
            [
                "Our flat is number {value}[, on the fourth floor|, at the back of the building].",
                "For deliveries it's apartment {value}, the buzzer [is broken|sticks a bit].",
            ],
            Questions = ["What's my apartment number?", "Which flat number do we have?", "What number is our flat?"],
            Distractors =
            [
                "The courier keeps delivering our parcels to flat {other} instead, as if apartment numbers were a suggestion.",
                "{person} lives in flat {other}, the apartment above ours, and [hosts great parties|has a huge dog].",
            ],
            Acknowledgements = ["Noted.", "Good to have that written down."],
        },
        new()
        {
            Name = "hometown",
            Draw = r => r.Pick(Towns),
            Statements =
            [
                "I grew up in {value}, a small town [by the sea|in the hills|on a river].",
                "Back in {value}, the town where I grew up, everybody knew everybody.",
            ],
            Questions = ["Which town did I grow up in?", "What's my home town?", "Which town am I originally from?"],
            Distractors =
            [
                "{person} grew up in a town called {other} and still goes back every summer.",
                "I nearly moved to the little town of {other} after university, but it never happened.",
                "Do people who grew up in a small town adapt well to big cities? || Most adapt fine after a rough first year; keeping a few small-town habits, like knowing your neighbours and a local shop, makes a big city feel smaller.",
            ],
            Acknowledgements = ["Small towns have their charm.", "That sounds idyllic."],
        },
        new()
        {
            Name = "cafe",
            Draw = r => r.Pick(Cafes),
            Statements =
            [
                "I've been working from {value}, the café [near the station|on the corner], most mornings.",
                "{value} is my favourite coffee place; they know my order by now.",
            ],
            Questions = ["Which café do I like to work from?", "What's the name of my favourite coffee place?", "Where do I get my morning coffee?"],
            Distractors =
            [
                "{person} recommended a café called {other} for coffee, but I haven't tried it yet.",
                "Is it rude to work from a café for hours with one coffee? || It's fine at quiet times; at lunch rush, buy something else or give up the table. Tipping and not spreading out over a four-seat table go a long way.",
                "The new café {other} opened [near the office|across the road]; the coffee is good but the queue is huge.",
            ],
            Acknowledgements = ["A good café is a great office.", "Nothing beats a regular spot."],
            UpdatesNamingOld = ["I've stopped going to {old}; {value} is my new favourite café for working.", "Goodbye {old}: I work from {value} now, the café with the big tables."],
            UpdatesNew = ["New favourite café for working: {value}, and the coffee is better too.", "I've found a new café to work from, {value}, and I'm not going back."],
            CurrentQuestions = ["Which café do I work from these days?", "What's my favourite café now?"],
            OldQuestions = ["Which café did I use to work from?", "What was my favourite café before I switched?"],
        },
        new()
        {
            Name = "codename",
            Draw = r => r.Pick(Codenames),
            Statements =
            [
                "At work, the project I'm leading is codenamed {value}.",
                "The {value} launch, my project at work, slipped by [two weeks|a sprint] again.",
            ],
            Questions = ["What's the code name of the project I lead?", "What's my project at work called?", "Which project am I leading at work?"],
            Distractors =
            [
                "The other team's project is called {other}, and it keeps stealing our testers.",
                "How do I run a project kickoff meeting that people actually enjoy? || Keep it short and concrete: why the project matters, what done looks like, who decides what, and the first two weeks of work. Leave time for questions and end with owners.",
                "{person} was moved onto the {other} project [last month|recently] and hates it.",
            ],
            Acknowledgements = ["Fun code name.", "Leading a project is a lot."],
        },
        new()
        {
            Name = "allergy",
            Draw = r => r.Pick(Allergens),
            Statements =
            [
                "I'm allergic to {value}, so [I always check labels|restaurants are a bit of a minefield].",
                "Remember my allergy: {value}. Please flag anything risky in recipes.",
            ],
            Questions = ["What am I allergic to?", "Remind me what I'm allergic to?", "What is it that I'm allergic to?"],
            Distractors =
            [
                "My [colleague|nephew] {person} is allergic to {other}, so we never bring anything with it to the office.",
                "I got tested to see if I'm allergic to {other}, but it came back negative.",
                "What's the difference between being allergic to something and an intolerance? || An allergy involves the immune system and can be dangerous even in tiny amounts; an intolerance is usually digestive and depends on the dose. A doctor can test for the first.",
            ],
            Acknowledgements = ["Good to know, I'll keep that in mind.", "That must make eating out tricky."],
        },
        new()
        {
            Name = "mother-birthday",
            Draw = Date,
            Statements =
            [
                "Mum's birthday is on {value}[, and I still have no idea what to get her|; she wants a quiet dinner this year].",
                "My mother turns seventy on {value}, so we're planning a surprise.",
            ],
            Questions = ["When is my mother's birthday?", "What date is Mum's birthday?", "When is Mum's birthday again?"],
            Distractors =
            [
                "{person}'s birthday is on {other}, the same week as the office party.",
                "Any ideas for a birthday present for a mother who [gardens|reads a lot]? || Something that feeds the hobby works best: a good pair of secateurs or a rare plant for a gardener, or a special edition and a reading light for a reader.",
            ],
            Acknowledgements = ["Plenty of time to plan something nice.", "A surprise sounds lovely."],
        },
        new()
        {
            Name = "partner-birthday",
            Draw = Date,
            Statements =
            [
                "My partner's birthday is on {value}, and I want to book somewhere special.",
                "I need a gift idea soon: my partner's birthday is {value}.",
            ],
            Questions = ["When is my partner's birthday?", "What's the date of my partner's birthday?"],
            Distractors =
            [
                "{person}'s partner has a birthday on {other}, so we're invited to a party.",
                "Is it weird to plan a birthday surprise that involves travel? || Not at all, as long as you check the calendar quietly first and keep a backup plan; a surprise that clashes with work or family plans is stressful rather than fun.",
            ],
            Acknowledgements = ["We can brainstorm gift ideas.", "Happy early birthday to them."],
        },
        new()
        {
            Name = "anniversary",
            Draw = Date,
            Statements =
            [
                "Our wedding anniversary is on {value}[, and this year it's a big one|; I want to plan something special].",
                "We got married on {value}, so the anniversary is coming up.",
            ],
            Questions = ["When is our wedding anniversary?", "What date is our anniversary?", "When do we celebrate our anniversary?"],
            Distractors =
            [
                "{person} and her husband celebrate their anniversary on {other}.",
                "What are traditional gifts for a tenth wedding anniversary? || The tenth is traditionally tin or aluminium, which sounds odd but leaves room for fun: a tin of good tea, a hand-made tin sign, or a weekend away with a tin-themed card.",
                "{person} got married on {other}; they celebrate every anniversary with a picnic.",
            ],
            Acknowledgements = ["Congratulations!", "That's worth celebrating."],
        },
        new()
        {
            Name = "flight",
            Draw = Flight,
            DrawAux = r => r.Pick(Regions),
            Statements =
            [
                "We're on flight {value} to {aux}[, leaving early in the morning|, so I need to sort out the airport transfer].",
                "Booked it: flight {value} to {aux} for the conference.",
            ],
            Questions = ["What's our flight number for the {aux} trip?", "Which flight are we taking to {aux}?", "What flight did I book to {aux}?"],
            Distractors =
            [
                "{person} is on flight {other} [the same day|a day later], so we might share a taxi.",
                "Can I change a flight booking without paying a huge fee? || It depends on the fare: flexible fares allow free changes, basic ones rarely do. Check the airline's app first, and call if the change is within a day of booking.",
            ],
            Acknowledgements = ["Exciting trip!", "I can help with the transfer."],
        },
        new()
        {
            Name = "kitchen-budget",
            Draw = Budget,
            Statements =
            [
                "We agreed on a budget of {value} for the kitchen renovation.",
                "The kitchen redo has a hard cap of {value}, including the appliances.",
            ],
            Questions = ["How much did we set aside for redoing the kitchen?", "What's the budget for the kitchen work?", "How much can we spend on the kitchen?"],
            Distractors =
            [
                "{person} spent {other} on their kitchen and still regrets the tiles.",
                "Is it worth getting three quotes for a kitchen renovation? || Yes: quotes for the same kitchen often differ a lot, and comparing them line by line shows what each builder left out, which is where surprise costs come from.",
            ],
            Acknowledgements = ["That's a solid budget.", "Good to have a clear cap."],
        },
        new()
        {
            Name = "plate",
            Draw = Plate,
            Statements =
            [
                "Our car's registration is {value}[, which I'll never remember|; writing it here so I don't forget].",
                "For the parking permit form: the plate is {value}.",
            ],
            Questions = ["What's our car's number plate?", "What is the registration on our car?", "What plate does our car have?"],
            Distractors =
            [
                "I parked next to a car with the plate {other} that looked exactly like ours.",
                "How do I transfer a number plate to a new car? || Most registries let you move a personalised plate online for a fee; you need the current registration document, and the car must be taxed and roadworthy.",
            ],
            Acknowledgements = ["Got it.", "Noted for the permit."],
        },
        new()
        {
            Name = "book",
            Draw = r => r.Pick(BookTitles),
            Statements =
            [
                "My all-time favourite novel is {value}[; I reread it every winter|, and I've given it to half my friends].",
                "{value} is the book I'd save from a fire.",
            ],
            Questions = ["What's my favourite book?", "Which novel do I love most?", "What book would I call my all-time favourite?"],
            Distractors =
            [
                "{person}'s favourite novel is {other}, which I found slow.",
                "Can you recommend a book for a long train ride, maybe a novel? || For a long ride, pick something with momentum: a mystery with short chapters or a big family saga works better than anything you need to take notes on.",
                "Our book club picked the novel {other} this month and I'm struggling.",
            ],
            Acknowledgements = ["A book worth rereading is rare.", "Great taste."],
        },
        new()
        {
            Name = "film",
            Draw = r => r.Pick(FilmTitles),
            Statements =
            [
                "The film I can watch again and again is {value}.",
                "{value} is my comfort movie; I know every line.",
            ],
            Questions = ["What's my favourite film?", "Which film do I never get tired of?", "What film do I rewatch all the time?"],
            Distractors =
            [
                "We watched the film {other} last night and it was a bit long.",
                "What's a good film for a family night with young kids? || Look for something under two hours with humour that works for adults too; animated adventures are safe, and a short film first can tell you if the kids are in the mood.",
                "{person} keeps quoting the film {other} at work.",
            ],
            Acknowledgements = ["Everyone needs a comfort film.", "Classic choice."],
        },
        new()
        {
            Name = "comfort-food",
            Draw = r => r.Pick(Dishes),
            Statements =
            [
                "My comfort food is {value}; I make it whenever I've had a rough week.",
                "When I'm low I cook {value}, my ultimate comfort dish.",
            ],
            Questions = ["What's my go-to comfort dish?", "What do I cook for comfort when I need cheering up?", "What's my comfort food?"],
            Distractors =
            [
                "{person}'s comfort food is {other}, apparently.",
                "What's a quick comfort dish for a cold evening? || Anything warm with carbs and little chopping: a baked potato with toppings, a pot of soup from the freezer, or eggs and toast done slowly in butter.",
                "I tried to cook {other} as a comfort dish and it was a disaster.",
            ],
            Acknowledgements = ["Great comfort food.", "That sounds perfect for a bad day."],
        },
        new()
        {
            Name = "band",
            Draw = r => r.Pick(Bands),
            Statements =
            [
                "My favourite band is {value}; I've seen them live [three|four] times.",
                "Nothing beats {value} live, they're still my favourite band.",
            ],
            Questions = ["Which band do I like best?", "What's my favourite band?", "Which band have I seen live the most?"],
            Distractors =
            [
                "{person} dragged me to see {other}, a band I'd never heard of.",
                "How do I get a band's concert tickets before they sell out? || Sign up for the presale through the band's mailing list or fan club, log in early with your payment details saved, and have a second device ready.",
            ],
            Acknowledgements = ["Great band.", "Live shows are the best."],
        },
        new()
        {
            Name = "language",
            Draw = r => r.Pick(Languages),
            Statements =
            [
                "I've started learning {value} [with an app|at evening classes].",
                "My {value} lessons are going well; the grammar is hard but fun.",
            ],
            Questions = ["Which language am I learning?", "What language am I studying at the moment?", "Which language do I take lessons in?"],
            Distractors =
            [
                "{person} says {other} is the hardest language she has ever tried.",
                "How long does it take to get conversational in a new language? || With steady practice, many adults hold simple conversations within six months; speaking with real people early matters more than finishing the textbook.",
                "I was learning {other} at school, but I've forgotten all of that language.",
            ],
            Acknowledgements = ["Good luck with it!", "That's a great skill to pick up."],
            UpdatesNamingOld = ["I've dropped {old} and started learning {value} instead.", "Switching languages: no more {old}, it's {value} from now on."],
            UpdatesNew = ["New language project: I'm learning {value} now.", "I've signed up for {value} classes; that's my language for this year."],
            CurrentQuestions = ["Which language am I learning now?", "What language am I studying these days?"],
            OldQuestions = ["Which language did I drop?", "What language was I learning before I switched?"],
        },
        new()
        {
            Name = "team",
            Draw = r => r.Pick(Teams),
            Statements =
            [
                "I support {value} and haven't missed a home match in years.",
                "{value} won again, my team is finally having a good season.",
            ],
            Questions = ["Which football team do I support?", "What team do I follow?", "Which team am I a fan of?"],
            Distractors =
            [
                "{person} supports {other}, the rival team, which makes match days tense.",
                "Is it worth taking a child to see a football team play in winter? || Yes, if you dress them for twice the cold you expect and pick a family stand; leave a bit early if they're tired, it's about the memory rather than the result.",
            ],
            Acknowledgements = ["Here's to a good season.", "Loyal fan!"],
        },

        // Facts that are updated later in some conversations.
        new()
        {
            Name = "home-city",
            Draw = r => r.Pick(Cities),
            Statements =
            [
                "We live in {value}[, and I love the light here in the evening|; the rent is the only downside].",
                "Life in {value} has been good to us; I can't imagine which other city we'd live in.",
            ],
            Questions = ["Which city do I live in?", "In which city do I live?", "Which city is home for me?"],
            Distractors =
            [
                "{person} keeps telling me {other} is the best city to live in.",
                "Which city is best for a weekend break? I'm planning something with {person}. || For a short city break, pick somewhere with a walkable old centre, good trains from the airport, and a market or museum you actually care about; two nights is plenty.",
                "I once thought we might move to {other}, but the job market in that city is tiny.",
            ],
            Acknowledgements = ["Sounds like a great place to live.", "Good light makes a city."],
            UpdatesNamingOld = ["We finally moved from {old} to {value}[ last week|, boxes everywhere]!", "It's official: we left {old} and now live in {value}."],
            UpdatesNew = ["The move is done: we're officially living in {value} now.", "First week in {value} after the move, and I already love our new city."],
            CurrentQuestions = ["Which city do I live in now?", "Which city do we live in since the move?", "Which city is home now that we've moved?"],
            OldQuestions = ["Which city did I live in before the move?", "Which city did we move away from?", "What city was home before we moved?"],
            InvalidatedByUpdate = ["street", "apartment", "neighbour"],
        },
        new()
        {
            Name = "employer",
            Draw = r => r.Pick(Companies),
            Statements =
            [
                "I work at {value}[ in a small team| and the commute is short].",
                "Things at {value}, the company I work for, are hectic this quarter.",
            ],
            Questions = ["Which company do I work for?", "What company am I at?", "What's the name of the company I work at?"],
            Distractors =
            [
                "{person}'s company, {other}, is hiring again, if you know anyone.",
                "Is it normal for a company to ask for four interview rounds? || It has become common at larger firms, but four rounds should each test something different; it's fair to ask the recruiter what each one covers.",
                "I almost took a job at a company called {other} a few years ago.",
            ],
            Acknowledgements = ["Sounds like a busy place.", "Good to hear work is going well."],
            UpdatesNamingOld = ["I've switched jobs: I left {old} and joined {value}.", "Last day at {old} today; I start at {value} next week."],
            UpdatesNew = ["First week at {value} done; the new job is [going well|intense].", "I signed the contract with {value} today, so it's a new job for me!"],
            CurrentQuestions = ["Which company do I work for now?", "What company am I at these days?", "What's the company of my current job?"],
            OldQuestions = ["Which company did I work for before switching jobs?", "What company was I at before my current job?", "Which company did I leave for my new job?"],
            InvalidatedByUpdate = ["manager", "codename"],
        },
        new()
        {
            Name = "job-title",
            Draw = r => r.Pick(JobTitles),
            Statements =
            [
                "I'm a {value} these days, which mostly means meetings.",
                "My job title is {value}, though I do a bit of everything.",
            ],
            Questions = ["What's my job title?", "What job title do I have?", "What's my title at work?"],
            Distractors =
            [
                "{person} just got the title {other} and is very proud of it.",
                "How should I list a job title change on my CV? || List the employer once and stack the titles under it with their dates; it shows progression at a glance without repeating the company.",
            ],
            Acknowledgements = ["Meetings are the job, sometimes.", "Sounds like a varied role."],
            UpdatesNamingOld = ["I got promoted from {old} to {value}!", "New title at work: I've gone from {old} to {value}."],
            UpdatesNew = ["Big news: I got promoted, I'm officially a {value} now.", "The promotion went through; my new title is {value}."],
            CurrentQuestions = ["What's my job title now?", "What is my title since the promotion?", "What's my current job title?"],
            OldQuestions = ["What was my job title before the promotion?", "What title did I have before I got promoted?"],
        },
        new()
        {
            Name = "diet",
            Draw = r => r.Pick(Diets),
            Statements =
            [
                "I've been {value} for [about three years|a long time] now, so cooking for friends is always a negotiation.",
                "Since I'm {value}, I find the canteen at work pretty limited.",
            ],
            Questions = ["What kind of diet do I follow?", "What's my diet?", "Which diet do I stick to?"],
            Distractors =
            [
                "{person} is trying a {other} diet [this month|for a bet].",
                "Is it hard to get enough protein on a plant-based diet? || Not if you plan for it: beans, lentils, tofu, nuts and dairy or eggs if you eat them cover most needs; spreading protein over the day helps more than one big serving.",
            ],
            Acknowledgements = ["Good to know for recipes.", "I'll keep that in mind."],
            UpdatesNamingOld = ["I've switched from {old} to {value} [this month|since the new year].", "Diet update: after years of being {old}, I'm {value} now."],
            UpdatesNew = ["Quick update on food: I've gone {value} [this month|recently].", "I'm fully {value} now, so please keep that in mind for recipes."],
            CurrentQuestions = ["What diet am I on at the moment?", "What kind of diet do I follow now?", "What's my diet these days?"],
            OldQuestions = ["What diet did I follow before the switch?", "Which diet was I on before I changed it?"],
        },
        new()
        {
            Name = "dentist",
            Draw = Appointment,
            Statements =
            [
                "I have a dentist appointment on {value}[, which I'm dreading|; it's just a check-up].",
                "The dentist booked me in for {value}.",
            ],
            Questions = ["When is my dentist appointment?", "When do I see the dentist?", "What time and day is my dentist visit?"],
            Distractors =
            [
                "{person} has a dentist appointment on {other} too, so we might carpool.",
                "Is it normal for a dentist check-up to take an hour? || A routine check-up is usually quicker, but with a cleaning or X-rays an hour is normal; ask the practice when you book.",
            ],
            Acknowledgements = ["Good luck at the dentist.", "Better to keep on top of it."],
            UpdatesNamingOld = ["The dentist moved my appointment from {old} to {value}.", "Rescheduled the dentist: not {old} any more, it's {value} now."],
            UpdatesNew = ["The dentist's office called; my appointment is now on {value}.", "New dentist appointment: {value}."],
            CurrentQuestions = ["When is my dentist appointment now?", "When do I see the dentist after the change?"],
            OldQuestions = ["When was my dentist appointment originally?", "What was the original time of my dentist appointment?"],
        },
        new()
        {
            Name = "holiday",
            Draw = r => r.Pick(Regions),
            Statements =
            [
                "We're planning [ten days|two weeks] in {value} for our holiday [in the summer|this autumn].",
                "This year's holiday is going to be {value}; we've wanted to go for ages.",
            ],
            Questions = ["Where are we going on holiday?", "Where is our holiday this year?", "What's the destination of our holiday?"],
            Distractors =
            [
                "{person} just got back from a holiday in {other} and loved it.",
                "One day I'd love a holiday in {other}, but not this year.",
                "How early should we book a summer holiday to get decent prices? || For flights, prices usually rise in the last two months; for popular rentals, booking four to six months ahead gets you the best choice.",
            ],
            Acknowledgements = ["That sounds amazing.", "What a great choice."],
            UpdatesNamingOld = ["Change of plans for the holiday: {value} instead of {old}.", "We cancelled {old} and rebooked the holiday for {value}."],
            UpdatesNew = ["We've rebooked the holiday; it's {value} now.", "Holiday plans changed again: we're going to {value}."],
            CurrentQuestions = ["Where are we going on holiday now?", "What's our holiday destination after the change?"],
            OldQuestions = ["Where were we originally planning to go on holiday?", "Which holiday destination did we drop?"],
        },
        new()
        {
            Name = "running",
            Draw = Distance,
            Statements =
            [
                "I've been running {value} [most mornings|three times a week] to clear my head.",
                "My usual run is {value} along the river.",
            ],
            Questions = ["How far do I usually run?", "What distance do I run?", "How long is my usual run?"],
            Distractors =
            [
                "{person} can run {other} without stopping, which is wild.",
                "Should I run every day or rest in between? || Most people improve faster with easy days and at least one rest day a week; if every run feels hard, you are running too fast, not too little.",
            ],
            Acknowledgements = ["That's a great habit.", "Running is good for the head."],
            UpdatesNamingOld = ["I've built up from {old} to {value} on my morning runs.", "New routine: my run is {value} now instead of {old}."],
            UpdatesNew = ["My runs are up to {value} now.", "Proud moment: I ran {value} this morning and it's my new normal."],
            CurrentQuestions = ["How far do I run these days?", "What's my usual run distance now?"],
            OldQuestions = ["How far did I use to run before I built up?", "What distance did I run before my current routine?"],
        },
        new()
        {
            Name = "yoga",
            Draw = r => r.Pick(Weekdays),
            Statements =
            [
                "My yoga class is on {value} evenings[, and it's the best part of my week|; I never miss it].",
                "I go to yoga every {value} after work.",
            ],
            Questions = ["Which evening is my yoga class?", "What day do I go to yoga?", "When is my yoga class?"],
            Distractors =
            [
                "{person} does yoga on {other} mornings before work.",
                "Is yoga enough exercise on its own? || It builds strength, balance and flexibility, but adding some brisk walking or cycling covers the heart and lungs better.",
            ],
            Acknowledgements = ["Yoga is a great routine.", "Sounds relaxing."],
            UpdatesNamingOld = ["My yoga class moved from {old} to {value}.", "Yoga is on {value} now instead of {old}."],
            UpdatesNew = ["Yoga has moved to {value} evenings.", "New yoga schedule: {value} after work."],
            CurrentQuestions = ["Which day is my yoga class on now?", "When is yoga since the schedule changed?"],
            OldQuestions = ["Which day was yoga before it moved?", "What day did I use to go to yoga?"],
        },
        new()
        {
            Name = "car",
            Draw = r => r.Pick(CarModels),
            Statements =
            [
                "We bought a second-hand {value}[ last month|, and it drives beautifully].",
                "Our car is a {value}, nothing fancy but reliable.",
            ],
            Questions = ["What car do we drive?", "What kind of car do we have?", "Which car did we buy?"],
            Distractors =
            [
                "{person}'s new car is a {other}, and she keeps offering me lifts.",
                "Is it better to buy a new car or a used one? || A two- or three-year-old car usually gives the best value, since someone else paid for the steepest depreciation; a new car makes sense if you keep it for a decade.",
            ],
            Acknowledgements = ["Reliable is what matters.", "Nice, enjoy it."],
            UpdatesNamingOld = ["We sold the {old} and bought a {value}.", "Goodbye {old}, hello {value}: we finally replaced the car."],
            UpdatesNew = ["We've got a new car: a {value}.", "Picked up our new car today, a {value}."],
            CurrentQuestions = ["What car do we drive now?", "Which car do we have now?"],
            OldQuestions = ["What car did we have before the current one?", "Which car did we sell?"],
            InvalidatedByUpdate = ["plate"],
        },
        new()
        {
            Name = "instrument",
            Draw = r => r.Pick(Instruments),
            Statements =
            [
                "I've started learning the {value}[ with a teacher on video calls| and my neighbours are being very patient].",
                "Practising the {value} every night is my new thing.",
            ],
            Questions = ["Which instrument am I learning?", "What instrument do I play?", "What instrument have I taken up?"],
            Distractors =
            [
                "{person} has been learning an instrument too: the {other}.",
                "Is it too late to start learning an instrument as an adult? || Not at all: adults learn faster in the first months than children, because they practise deliberately; short daily sessions beat one long weekly one.",
            ],
            Acknowledgements = ["That's a lovely instrument.", "Music is a great hobby."],
            UpdatesNamingOld = ["I gave up the {old} and switched to the {value}.", "Switched instruments: goodbye {old}, hello {value}."],
            UpdatesNew = ["I've switched instruments; it's the {value} now.", "New instrument for me: the {value}."],
            CurrentQuestions = ["Which instrument am I learning now?", "What instrument do I play now?"],
            OldQuestions = ["Which instrument was I learning before I switched?", "What instrument did I give up?"],
        },

        // Two-hop facts: a fact about a person whom another statement introduces.
        new()
        {
            Name = "sister-job",
            Base = "sister",
            Draw = r => r.Pick(Professions),
            Statements = ["{base} just started a new job as a {value}[ and already loves it| and the hours are long]."],
            Questions = ["What does my sister do for a living?", "What's my sister's new job?", "What does my sister work as now?"],
            Distractors =
            [
                "{person}'s sister just got a job as a {other}.",
                "My colleague's sister retrained as a {other} [last year|in her forties].",
                "Is it hard for a sister to work in the family business? {person} is thinking about it. || It can work well with clear roles and a written agreement about pay and decisions; mixing family dinners and business meetings is where it usually goes wrong.",
            ],
            Acknowledgements = ["Great news for her!", "A new job, exciting."],
        },
        new()
        {
            Name = "partner-job",
            Base = "partner",
            Draw = r => r.Pick(Professions),
            Statements = ["{base} has accepted an offer to work as a {value}[, starting next month|; the interviews paid off]."],
            Questions = ["What's my partner's new job?", "What does my partner do for a living now?"],
            Distractors =
            [
                "{person}'s partner works as a {other} and is never home before nine.",
                "How do we handle it when my partner and I both change jobs in the same year? || Stagger the big changes if you can, keep one predictable routine at home, and agree on a budget buffer for the months when both probation periods overlap.",
            ],
            Acknowledgements = ["Congratulations to them!", "That's a big change."],
        },
        new()
        {
            Name = "brother-dog",
            Base = "brother",
            Draw = r => r.Pick(PetNames),
            Statements = ["{base} finally got a dog[, a scruffy rescue|, a tiny one]; he named it {value}."],
            Questions = ["What's my brother's dog called?", "What did my brother name his dog?"],
            Distractors =
            [
                "{person}'s brother has a dog called {other} that howls at the doorbell.",
                "My brother-in-law wants a dog and has already picked a name: {other}.",
            ],
            Acknowledgements = ["A dog, how lovely for him.", "Rescue dogs are the best."],
        },
        new()
        {
            Name = "brother-city",
            Base = "brother",
            Draw = r => r.Pick(Cities),
            Statements = ["{base} has moved to {value} for [work|a new job]."],
            Questions = ["Which city did my brother move to?", "Where does my brother live now?", "Where has my brother moved?"],
            Distractors =
            [
                "{person}'s brother lives in {other} and loves it.",
                "My brother-in-law keeps talking about moving to {other}.",
            ],
            Acknowledgements = ["Big move!", "Hope he settles in well."],
        },
        new()
        {
            Name = "friend-wedding",
            Base = "best-friend",
            Draw = Date,
            Statements = ["{base} finally set the wedding date: {value}."],
            Questions = ["When is my best friend getting married?", "What date is my best friend's wedding?"],
            Distractors =
            [
                "{person}'s best friend is getting married on {other}.",
                "What do I say in a speech at my best friend's wedding? || Keep it under five minutes: one story that shows who they are, one line about the couple together, and a toast; skip inside jokes only three people get.",
            ],
            Acknowledgements = ["A wedding to look forward to!", "How exciting."],
        },
        new()
        {
            Name = "son-school",
            Base = "son",
            Draw = r => r.Pick(Schools),
            Statements = ["{base} starts at {value} [in the autumn|after the summer]."],
            Questions = ["Which school is my son starting at?", "What school will my son go to?"],
            Distractors =
            [
                "{person}'s son goes to {other}, across town.",
                "How do I prepare my son for starting a new school? || Walk the route together, read a story about starting school, and keep the first weeks' evenings calm; tiredness causes more tears than the school itself.",
            ],
            Acknowledgements = ["A big step for him.", "New school, new adventures."],
        },
        new()
        {
            Name = "daughter-club",
            Base = "daughter",
            Draw = r => r.Pick(Clubs),
            Statements = ["{base} has joined the {value} club at school."],
            Questions = ["Which club did my daughter join?", "What after-school club is my daughter in?"],
            Distractors =
            [
                "{person}'s daughter is in the {other} club and loves it.",
                "How many after-school clubs is too many for a daughter in primary school? || Two or three a week is plenty for most children; watch for tiredness and keep at least a couple of free afternoons for unstructured play.",
            ],
            Acknowledgements = ["What a fun club.", "Good for her."],
        },
    ];
}
