//! Numbers, times and durations spelled out in words, the way a person says them to a voice
//! assistant ("seven thirty", "half past six", "two hundred and five"). Transcripts never hold
//! digits: every number passes through here.

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

const ORDINAL_ONES: [&str; 20] = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];

const ORDINAL_TENS: [&str; 10] = [
    "",
    "",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
];

/// Every word [`cardinal`], [`ordinal`], [`clock_time`] and [`digits`] can produce, for the
/// vocabulary listing.
pub fn number_words() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = Vec::new();
    words.extend(ONES.iter());
    words.extend(TENS.iter().filter(|w| !w.is_empty()));
    words.extend(ORDINAL_ONES.iter());
    words.extend(ORDINAL_TENS.iter().filter(|w| !w.is_empty()));
    words.extend([
        "hundred",
        "thousand",
        "and",
        "hundredth",
        "thousandth",
        "oh",
        "o'clock",
        "half",
        "past",
        "quarter",
        "to",
        "noon",
        "midnight",
        "minus",
        "point",
    ]);
    words
}

/// `n` in words, British style with "and" after the hundreds ("three hundred and twelve"),
/// for `0 ..= 999_999`.
///
/// # Panics
/// Never for the range above; larger values are clamped by the callers in this crate and spelt
/// with "thousand" repeated, which no grammar rule produces.
pub fn cardinal(n: u32) -> String {
    if n < 20 {
        return ONES[n as usize].to_string();
    }
    if n < 100 {
        let (t, o) = (n / 10, n % 10);
        return if o == 0 {
            TENS[t as usize].to_string()
        } else {
            format!("{} {}", TENS[t as usize], ONES[o as usize])
        };
    }
    if n < 1000 {
        let (h, r) = (n / 100, n % 100);
        return if r == 0 {
            format!("{} hundred", ONES[h as usize])
        } else {
            format!("{} hundred and {}", ONES[h as usize], cardinal(r))
        };
    }
    let (th, r) = (n / 1000, n % 1000);
    if r == 0 {
        format!("{} thousand", cardinal(th))
    } else if r < 100 {
        format!("{} thousand and {}", cardinal(th), cardinal(r))
    } else {
        format!("{} thousand {}", cardinal(th), cardinal(r))
    }
}

/// `n` as an ordinal ("first", "twenty third", "one hundredth"), for `1 ..= 999_999`.
pub fn ordinal(n: u32) -> String {
    if n < 20 {
        return ORDINAL_ONES[n as usize].to_string();
    }
    if n < 100 {
        let (t, o) = (n / 10, n % 10);
        return if o == 0 {
            ORDINAL_TENS[t as usize].to_string()
        } else {
            format!("{} {}", TENS[t as usize], ORDINAL_ONES[o as usize])
        };
    }
    let r = if n < 1000 { n % 100 } else { n % 1000 };
    let unit = if n < 1000 { "hundred" } else { "thousand" };
    if r == 0 {
        let head = if n < 1000 { n / 100 } else { n / 1000 };
        format!("{} {}th", cardinal(head), unit)
    } else if r < 100 {
        format!("{} and {}", cardinal(n - r), ordinal(r))
    } else {
        format!("{} {}", cardinal(n - r), ordinal(r))
    }
}

/// A time of day on a twelve-hour clock, in one of the ways people say it: `style` picks among
/// them ("seven thirty", "seven o'clock", "half past seven", "quarter to eight", "seven oh
/// five", "ten past seven", "noon"/"midnight" at twelve). `hour` is `1 ..= 12`, `minute`
/// `0 ..= 59`; a style that does not fit the minute falls back to the plain form.
pub fn clock_time(hour: u32, minute: u32, style: u32) -> String {
    let hour = hour.clamp(1, 12);
    let minute = minute.min(59);
    let next = if hour == 12 { 1 } else { hour + 1 };
    match (style % 4, minute) {
        (1, 0) => format!("{} o'clock", cardinal(hour)),
        (2, 30) => format!("half past {}", cardinal(hour)),
        (2, 15) => format!("quarter past {}", cardinal(hour)),
        (2, 45) => format!("quarter to {}", cardinal(next)),
        (2, m) if m % 5 == 0 && m > 0 && m < 30 => {
            format!("{} past {}", cardinal(m), cardinal(hour))
        }
        (2, m) if m % 5 == 0 && m > 30 => format!("{} to {}", cardinal(60 - m), cardinal(next)),
        (3, 0) if hour == 12 => "noon".to_string(),
        (_, 0) => format!("{} o'clock", cardinal(hour)),
        (_, m) if m < 10 => format!("{} oh {}", cardinal(hour), cardinal(m)),
        (_, m) => format!("{} {}", cardinal(hour), cardinal(m)),
    }
}

/// A string of digits read one by one, "oh" for zero as often as not ("five five five oh one
/// two"), as in phone numbers. `zero_as_oh` picks the reading of `0`.
pub fn digits(value: &str, zero_as_oh: bool) -> String {
    value
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| {
            if d == 0 && zero_as_oh {
                "oh"
            } else {
                ONES[d as usize]
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinals() {
        assert_eq!(cardinal(0), "zero");
        assert_eq!(cardinal(13), "thirteen");
        assert_eq!(cardinal(40), "forty");
        assert_eq!(cardinal(72), "seventy two");
        assert_eq!(cardinal(100), "one hundred");
        assert_eq!(cardinal(305), "three hundred and five");
        assert_eq!(cardinal(2000), "two thousand");
        assert_eq!(cardinal(2024), "two thousand and twenty four");
        assert_eq!(
            cardinal(12_345),
            "twelve thousand three hundred and forty five"
        );
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(1), "first");
        assert_eq!(ordinal(12), "twelfth");
        assert_eq!(ordinal(20), "twentieth");
        assert_eq!(ordinal(23), "twenty third");
        assert_eq!(ordinal(100), "one hundredth");
        assert_eq!(ordinal(101), "one hundred and first");
    }

    #[test]
    fn times() {
        assert_eq!(clock_time(7, 30, 0), "seven thirty");
        assert_eq!(clock_time(7, 30, 2), "half past seven");
        assert_eq!(clock_time(7, 45, 2), "quarter to eight");
        assert_eq!(clock_time(12, 50, 2), "ten to one");
        assert_eq!(clock_time(7, 5, 0), "seven oh five");
        assert_eq!(clock_time(7, 0, 0), "seven o'clock");
        assert_eq!(clock_time(12, 0, 3), "noon");
        assert_eq!(clock_time(9, 20, 2), "twenty past nine");
    }

    #[test]
    fn digit_strings() {
        assert_eq!(digits("5550123", true), "five five five oh one two three");
        assert_eq!(digits("90", false), "nine zero");
    }

    #[test]
    fn every_number_word_is_listed() {
        let listed = number_words();
        let mut spoken = Vec::new();
        for n in 0..3000 {
            spoken.push(cardinal(n));
        }
        for n in 1..200 {
            spoken.push(ordinal(n));
        }
        for h in 1..=12 {
            for m in 0..60 {
                for s in 0..4 {
                    spoken.push(clock_time(h, m, s));
                }
            }
        }
        spoken.push(digits("0123456789", true));
        for text in spoken {
            for w in text.split(' ') {
                assert!(listed.contains(&w), "{w:?} (from {text:?}) is not listed");
            }
        }
    }
}
