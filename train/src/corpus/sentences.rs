//! The sentence generator: a small grammar for a voice-assistant domain (home automation,
//! timers and alarms, numbers and times, music, weather in named cities, lists, calls).
//! Templates hold `{slot}` markers; a slot is a word list or a number rule from
//! [`numbers`](super::numbers). Output is a transcript in the corpus alphabet (lowercase a–z,
//! space, apostrophe), already normalised: numbers spelt out, single spaces.
//!
//! The grammar is data, so [`vocabulary`] can list every word it can produce; `docs/CORPUS.md`
//! documents that list and a test keeps the two in step.

use super::numbers::{cardinal, clock_time, digits, number_words, ordinal};
use rand::seq::SliceRandom;
use rand::Rng;

/// The parts of the domain, each with its own templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// Lights, appliances, doors, thermostat.
    Home,
    /// Timers, alarms and reminders.
    Timers,
    /// Arithmetic, conversions, dates and the time.
    Numbers,
    /// Playback and volume.
    Music,
    /// Weather in named cities.
    Weather,
    /// Shopping and to-do lists.
    Lists,
    /// Calls and messages.
    Calls,
}

/// Every domain with its templates.
pub const TEMPLATES: &[(Domain, &[&str])] = &[
    (
        Domain::Home,
        &[
            "turn on the {device} in the {room}",
            "turn off the {device} in the {room}",
            "switch on the {room} {device}",
            "switch off the {room} {device}",
            "turn the {room} lights on",
            "turn the {room} lights off",
            "dim the {room} lights to {percent} percent",
            "set the {room} lights to {percent} percent",
            "make the {room} lights {brighter}",
            "set the thermostat to {degrees} degrees",
            "set the heating in the {room} to {degrees} degrees",
            "what's the temperature in the {room}",
            "{open} the {openable}",
            "is the {openable} {state}",
            "lock the {door}",
            "unlock the {door}",
            "did i leave the {device} on",
            "start the {appliance}",
            "stop the {appliance}",
            "is the {appliance} finished",
            "turn everything off in the {room}",
            "i'm going to bed turn off all the lights",
            "it's too {hotcold} in the {room}",
            "please {open} the {openable} in the {room}",
        ],
    ),
    (
        Domain::Timers,
        &[
            "set a timer for {minutes} minutes",
            "set a {minutes} minute timer",
            "set a timer for {minutes} minutes for the {food}",
            "set a timer for {hours} hours",
            "set a timer for an hour and a half",
            "cancel the {food} timer",
            "cancel my timer",
            "how much time is left on my timer",
            "how much time is left on the {food} timer",
            "wake me up at {time}",
            "wake me up at {time} {daypart}",
            "set an alarm for {time}",
            "set an alarm for {time} on {day}",
            "set an alarm for {time} tomorrow {daypart}",
            "snooze for {small} minutes",
            "turn off my alarm",
            "delete the alarm for {time}",
            "what alarms do i have {when}",
            "remind me to {task} at {time}",
            "remind me to {task} {when}",
            "remind me in {minutes} minutes to {task}",
            "don't let me forget to {task}",
        ],
    ),
    (
        Domain::Numbers,
        &[
            "what's {number} plus {number}",
            "what is {number} minus {number}",
            "what's {small} times {number}",
            "what is {number} divided by {small}",
            "what's {percent} percent of {number}",
            "convert {number} {unit} to {unit2}",
            "how many {unit} in {small} {unit2}",
            "what time is it",
            "what time is it in {city}",
            "what's the date today",
            "what day is the {dayordinal} of {month}",
            "how many days until the {dayordinal} of {month}",
            "is {time} too late to call {name}",
            "count to {small}",
            "what's the square root of {number}",
            "round {number} point {small} to the nearest whole number",
        ],
    ),
    (
        Domain::Music,
        &[
            "play some {genre} music",
            "play some {genre} in the {room}",
            "play {artist}",
            "play songs by {artist}",
            "play my {playlist} playlist",
            "shuffle my {playlist} playlist",
            "play the next song",
            "skip this song",
            "go back to the previous track",
            "pause the music",
            "resume the music",
            "stop the music in the {room}",
            "turn the volume up",
            "turn the volume down",
            "set the volume to {small}",
            "turn it up a little",
            "what's this song called",
            "who sings this song",
            "i like this song",
            "don't play this song again",
            "play the radio",
            "play radio {station} point {small}",
            "play {artist} in the {room}",
        ],
    ),
    (
        Domain::Weather,
        &[
            "what's the weather in {city}",
            "what's the weather like in {city} {when}",
            "what's the weather {when}",
            "will it rain in {city} {when}",
            "will it {precip} {when}",
            "is it {precip}ing in {city}",
            "how {hotcold} will it be in {city} {when}",
            "what's the temperature in {city}",
            "do i need an umbrella {when}",
            "do i need a jacket {when}",
            "what's the forecast for {city} on {day}",
            "how windy is it in {city}",
            "when is sunset in {city}",
            "when does the sun rise {when}",
            "is it going to be {weather} on {day}",
            "will it be {weather} in {city} {when}",
        ],
    ),
    (
        Domain::Lists,
        &[
            "add {item} to my {list} list",
            "add {item} and {item} to the {list} list",
            "put {item} on the {list} list",
            "remove {item} from my {list} list",
            "take {item} off the {list} list",
            "what's on my {list} list",
            "read me my {list} list",
            "clear my {list} list",
            "is {item} on the {list} list",
            "how many things are on my {list} list",
            "create a new list called {list}",
            "add {task} to my to do list",
        ],
    ),
    (
        Domain::Calls,
        &[
            "call {name}",
            "call {name} on {possessive} mobile",
            "call {contact}'s {phone}",
            "phone {name}",
            "ring {name}",
            "dial {phonenumber}",
            "call {phonenumber}",
            "send a message to {name} saying {message}",
            "text {name} {message}",
            "tell {name} {message}",
            "read my messages",
            "do i have any new messages",
            "did {name} call me",
            "who called me {when}",
            "hang up",
            "answer the call",
            "call {name} back",
            "video call {name}",
        ],
    ),
];

/// Word-list slots; the number rules ([`number_slot`]) are the other kind.
pub const SLOTS: &[(&str, &[&str])] = &[
    (
        "room",
        &[
            "kitchen",
            "living room",
            "bedroom",
            "bathroom",
            "hallway",
            "garage",
            "office",
            "basement",
            "dining room",
            "children's room",
            "guest room",
            "garden",
            "attic",
            "laundry room",
            "study",
        ],
    ),
    (
        "device",
        &[
            "lights",
            "lamp",
            "fan",
            "heater",
            "air conditioner",
            "television",
            "radio",
            "speaker",
            "ceiling light",
            "desk lamp",
            "floor lamp",
            "night light",
            "tv",
            "humidifier",
            "printer",
        ],
    ),
    (
        "appliance",
        &[
            "dishwasher",
            "washing machine",
            "dryer",
            "oven",
            "coffee machine",
            "kettle",
            "vacuum cleaner",
            "robot vacuum",
            "microwave",
            "sprinkler",
        ],
    ),
    (
        "openable",
        &[
            "blinds",
            "curtains",
            "garage door",
            "window",
            "skylight",
            "front door",
            "back door",
            "shutters",
            "gate",
        ],
    ),
    (
        "door",
        &[
            "front door",
            "back door",
            "garage door",
            "side door",
            "gate",
            "car",
        ],
    ),
    ("open", &["open", "close", "shut", "raise", "lower"]),
    ("state", &["open", "closed", "locked", "unlocked"]),
    (
        "brighter",
        &[
            "brighter",
            "darker",
            "warmer",
            "cooler",
            "a bit brighter",
            "a little dimmer",
        ],
    ),
    ("hotcold", &["hot", "cold", "warm", "cool"]),
    (
        "food",
        &[
            "pasta", "rice", "eggs", "pizza", "cake", "bread", "potatoes", "tea", "laundry",
            "chicken", "cookies", "soup",
        ],
    ),
    (
        "daypart",
        &[
            "in the morning",
            "in the afternoon",
            "in the evening",
            "at night",
        ],
    ),
    (
        "day",
        &[
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ],
    ),
    (
        "when",
        &[
            "today",
            "tomorrow",
            "tonight",
            "this morning",
            "this afternoon",
            "this evening",
            "this weekend",
            "next week",
            "on monday",
            "on friday",
            "on saturday",
            "later",
            "tomorrow morning",
            "yesterday",
        ],
    ),
    (
        "task",
        &[
            "call the dentist",
            "take out the trash",
            "water the plants",
            "feed the cat",
            "walk the dog",
            "pay the bills",
            "buy milk",
            "pick up the kids",
            "charge my phone",
            "check the oven",
            "send the email",
            "book a table",
            "take my medicine",
            "lock the door",
            "call my mother",
        ],
    ),
    (
        "unit",
        &[
            "miles",
            "kilometers",
            "pounds",
            "kilograms",
            "feet",
            "meters",
            "inches",
            "cups",
            "liters",
            "ounces",
        ],
    ),
    (
        "unit2",
        &[
            "miles",
            "kilometers",
            "pounds",
            "kilograms",
            "feet",
            "meters",
            "inches",
            "centimeters",
            "grams",
            "gallons",
        ],
    ),
    (
        "month",
        &[
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
    ),
    (
        "city",
        &[
            "london",
            "paris",
            "berlin",
            "madrid",
            "rome",
            "vienna",
            "prague",
            "dublin",
            "lisbon",
            "amsterdam",
            "oslo",
            "stockholm",
            "helsinki",
            "warsaw",
            "athens",
            "new york",
            "chicago",
            "boston",
            "seattle",
            "denver",
            "dallas",
            "miami",
            "san francisco",
            "los angeles",
            "toronto",
            "vancouver",
            "mexico city",
            "tokyo",
            "sydney",
            "melbourne",
            "cairo",
            "nairobi",
            "mumbai",
            "delhi",
            "singapore",
            "edinburgh",
            "manchester",
            "glasgow",
            "zurich",
            "munich",
        ],
    ),
    (
        "genre",
        &[
            "jazz",
            "rock",
            "classical",
            "pop",
            "country",
            "blues",
            "reggae",
            "folk",
            "hip hop",
            "piano",
            "relaxing",
            "dance",
            "soul",
            "metal",
            "christmas",
        ],
    ),
    (
        "artist",
        &[
            "the beatles",
            "queen",
            "adele",
            "mozart",
            "bach",
            "miles davis",
            "bob marley",
            "elvis",
            "abba",
            "the rolling stones",
            "taylor swift",
            "beethoven",
            "madonna",
            "nina simone",
            "coldplay",
        ],
    ),
    (
        "playlist",
        &[
            "workout",
            "morning",
            "dinner",
            "road trip",
            "party",
            "chill",
            "focus",
            "sleep",
            "running",
            "favorites",
            "summer",
        ],
    ),
    (
        "station",
        &[
            "ninety",
            "eighty nine",
            "one hundred",
            "ninety five",
            "one oh two",
        ],
    ),
    ("precip", &["rain", "snow"]),
    (
        "weather",
        &[
            "sunny", "cloudy", "rainy", "windy", "foggy", "stormy", "warm", "cold", "hot", "icy",
        ],
    ),
    (
        "item",
        &[
            "milk",
            "eggs",
            "bread",
            "butter",
            "cheese",
            "apples",
            "bananas",
            "coffee",
            "tea",
            "sugar",
            "flour",
            "rice",
            "pasta",
            "tomatoes",
            "onions",
            "carrots",
            "chicken",
            "orange juice",
            "yogurt",
            "toilet paper",
            "dish soap",
            "batteries",
            "light bulbs",
            "cat food",
            "dog food",
            "olive oil",
            "chocolate",
            "salt",
            "pepper",
            "lemons",
        ],
    ),
    (
        "list",
        &[
            "shopping",
            "grocery",
            "to do",
            "packing",
            "christmas",
            "hardware store",
            "party",
            "birthday",
        ],
    ),
    (
        "name",
        &[
            "mom",
            "dad",
            "anna",
            "peter",
            "john",
            "maria",
            "david",
            "sarah",
            "michael",
            "emma",
            "james",
            "lucy",
            "tom",
            "grandma",
            "grandpa",
            "alex",
            "kate",
            "robert",
            "linda",
            "sam",
            "the office",
            "the doctor",
            "my sister",
            "my brother",
            "my wife",
            "my husband",
        ],
    ),
    (
        "contact",
        &[
            "anna", "peter", "john", "maria", "david", "sarah", "michael", "emma", "james", "lucy",
            "tom", "kate",
        ],
    ),
    ("possessive", &["her", "his", "their"]),
    (
        "phone",
        &["mobile", "work phone", "home phone", "cell phone"],
    ),
    (
        "message",
        &[
            "i'm on my way",
            "i'll be late",
            "i'm running ten minutes late",
            "don't forget the milk",
            "call me back",
            "see you soon",
            "dinner is ready",
            "i can't make it today",
            "happy birthday",
            "i love you",
            "where are you",
            "we're out of coffee",
            "let's meet at noon",
            "i'm at the station",
            "the door is open",
        ],
    ),
];

/// Slots filled by number rules rather than word lists.
pub const NUMBER_SLOTS: &[&str] = &[
    "percent",
    "degrees",
    "minutes",
    "hours",
    "small",
    "number",
    "time",
    "dayordinal",
    "phonenumber",
];

/// Spells out a number slot, drawing the value from `rng`. `None` for an unknown slot.
pub fn number_slot<R: Rng>(slot: &str, rng: &mut R) -> Option<String> {
    Some(match slot {
        "percent" => cardinal(rng.gen_range(1..=20) * 5),
        "degrees" => {
            if rng.gen_bool(0.5) {
                cardinal(rng.gen_range(16..=28))
            } else {
                cardinal(rng.gen_range(60..=80))
            }
        }
        "minutes" => cardinal(
            *[
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 45, 50, 60, 90,
            ]
            .choose(rng)
            .expect("non-empty"),
        ),
        "hours" => cardinal(rng.gen_range(2..=12)),
        "small" => cardinal(rng.gen_range(2..=20)),
        "number" => {
            let n = match rng.gen_range(0..10) {
                0..=4 => rng.gen_range(0..100),
                5..=7 => rng.gen_range(100..1000),
                _ => rng.gen_range(1000..20_000),
            };
            cardinal(n)
        }
        "time" => clock_time(
            rng.gen_range(1..=12),
            rng.gen_range(0..12) * 5,
            rng.gen_range(0..4),
        ),
        "dayordinal" => ordinal(rng.gen_range(1..=31)),
        "phonenumber" => {
            let len = if rng.gen_bool(0.5) { 7 } else { 10 };
            let s: String = (0..len)
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            digits(&s, rng.gen_bool(0.5))
        }
        _ => return None,
    })
}

fn word_slot(slot: &str) -> Option<&'static [&'static str]> {
    SLOTS
        .iter()
        .find(|(name, _)| *name == slot)
        .map(|(_, words)| *words)
}

/// Fills one template; `None` if it names a slot that does not exist (a grammar bug, caught by
/// the tests).
pub fn fill<R: Rng>(template: &str, rng: &mut R) -> Option<String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}')?;
        let slot = &rest[start + 1..end];
        match word_slot(slot) {
            Some(words) => out.push_str(words.choose(rng)?),
            None => out.push_str(&number_slot(slot, rng)?),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Draws one sentence: a domain uniformly, then one of its templates uniformly, then its slots.
pub fn sentence<R: Rng>(rng: &mut R) -> String {
    let (_, templates) = TEMPLATES[rng.gen_range(0..TEMPLATES.len())];
    let template = templates[rng.gen_range(0..templates.len())];
    fill(template, rng).expect("the grammar only names existing slots (tested)")
}

/// Every word the grammar can produce, sorted, without duplicates.
pub fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for (_, templates) in TEMPLATES {
        for t in *templates {
            let mut s = String::new();
            let mut inside = false;
            for c in t.chars() {
                match c {
                    '{' => {
                        inside = true;
                        s.push(' ');
                    }
                    '}' => inside = false,
                    _ if !inside => s.push(c),
                    _ => {}
                }
            }
            add_words(&mut words, &s);
        }
    }
    // Fragments glued to a slot in a template ("{precip}ing", "{contact}'s") are not words;
    // the words they make are listed instead.
    words.retain(|w| w != "ing" && w != "'s");
    for (_, list) in SLOTS {
        for w in *list {
            add_words(&mut words, w);
        }
    }
    for w in number_words() {
        words.push(w.to_string());
    }
    for precip in word_slot("precip").unwrap_or(&[]) {
        words.push(format!("{precip}ing"));
    }
    for contact in word_slot("contact").unwrap_or(&[]) {
        words.push(format!("{contact}'s"));
    }
    words.sort();
    words.dedup();
    words
}

fn add_words(words: &mut Vec<String>, text: &str) {
    words.extend(text.split_whitespace().map(str::to_string));
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn every_template_fills() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for (_, templates) in TEMPLATES {
            for t in *templates {
                let s = fill(t, &mut rng);
                assert!(s.is_some(), "template {t:?} names an unknown slot");
            }
        }
    }

    #[test]
    fn sentences_use_only_the_alphabet_and_the_vocabulary() {
        let vocab = vocabulary();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..20_000 {
            let s = sentence(&mut rng);
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_lowercase() || c == ' ' || c == '\''),
                "{s:?} leaves the alphabet"
            );
            assert!(
                !s.starts_with(' ') && !s.ends_with(' ') && !s.contains("  "),
                "{s:?}"
            );
            for w in s.split(' ') {
                assert!(
                    vocab.binary_search(&w.to_string()).is_ok(),
                    "{w:?} in {s:?} is not in the vocabulary"
                );
            }
        }
    }

    #[test]
    fn the_grammar_is_large_enough() {
        // Sentences without slots repeat; the rest keep the distinct count growing.
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..20_000 {
            seen.insert(sentence(&mut rng));
        }
        assert!(
            seen.len() > 7_000,
            "only {} distinct sentences in 20000 draws",
            seen.len()
        );
        let counts = super::super::plan::Counts {
            train: 20_000,
            valid: 2_000,
            test: 2_000,
        };
        assert!(super::super::plan::plan(counts, 1).is_ok());
    }
}
