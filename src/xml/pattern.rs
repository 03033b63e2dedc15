//! XSD regular expressions (`xs:pattern`, XML Schema Part 2 Appendix F), for strict mode.
//!
//! A pattern always matches the whole value (no `^`/`$` anchors: both are ordinary characters).
//! Branches `|`, groups `( )`, quantifiers `? * + {n} {n,} {n,m}`, `.` (any character but CR
//! and LF), single-character escapes (`\n \r \t \\ \| \. \- \^ \? \* \+ \{ \} \( \) \[ \]`),
//! the multi-character escapes `\s \S \d \D \w \W \i \I \c \C`, character classes with ranges,
//! negation `[^…]` and subtraction `[a-z-[aeiou]]`, and the Unicode categories `\p{…}`/`\P{…}`
//! `L Lu Ll N Nd Z Zs Zl Zp P S C Cc M`.
//!
//! Matching runs an NFA over the value's characters with a set of states (Thompson's
//! construction, no backtracking): time is linear in the value's length whatever the pattern,
//! so a document cannot make a schema's pattern slow.
//!
//! Not implemented, and then the pattern is not checked ([`Pattern::matches`] gives `None`):
//! Unicode block escapes (`\p{IsBasicLatin}`) and the categories not listed above. Outside
//! ASCII and Latin-1 the categories are approximated with the standard library's character
//! properties (`char::is_alphabetic`, `is_numeric`, `is_control`) and ranges of the common
//! punctuation, symbol and combining-mark blocks.

use std::sync::OnceLock;

/// A pattern from a schema, compiled the first time a value is checked against it; generated
/// code keeps one in a `static` per constraint.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<Regex>>,
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

impl Pattern {
    /// The pattern `source`, as the schema writes it.
    pub const fn new(source: &'static str) -> Self {
        Pattern { source, compiled: OnceLock::new() }
    }

    /// The pattern as the schema writes it.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `value` matches the whole pattern; `None` when the pattern uses a construct this
    /// implementation does not have (see the module's documentation), which is then not checked.
    pub fn matches(&self, value: &str) -> Option<bool> {
        self.compiled.get_or_init(|| Regex::new(self.source).ok()).as_ref().map(|r| r.matches(value))
    }
}

/// A compiled XSD regular expression.
#[derive(Debug, Clone)]
pub(crate) struct Regex {
    insts: Vec<Inst>,
    sets: Vec<Set>,
}

/// The most NFA states a pattern compiles to (counted repetitions are copied out).
const MAX_STATES: usize = 20_000;

#[derive(Debug, Clone, Copy)]
enum Inst {
    /// A character in the set, then the next state.
    Char(usize, usize),
    Split(usize, usize),
    Jump(usize),
    Match,
}

#[derive(Debug, Clone)]
enum Node {
    Empty,
    Set(Set),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    Letter,
    Upper,
    Lower,
    Number,
    Digit,
    Separator,
    Space,
    Line,
    Paragraph,
    Punctuation,
    Symbol,
    Other,
    Control,
    Mark,
    /// `\s`: space, tab, CR, LF.
    Blank,
    /// `\w`: everything but punctuation, separators and "other".
    Word,
    /// `\i`: the first character of an XML name.
    NameStart,
    /// `\c`: a character of an XML name.
    Name,
}

#[derive(Debug, Clone)]
enum Set {
    Char(char),
    Range(char, char),
    /// `.`
    Any,
    Category(Category, bool),
    Class {
        items: Vec<Set>,
        negated: bool,
        minus: Option<Box<Set>>,
    },
}

fn in_ranges(c: char, ranges: &[(u32, u32)]) -> bool {
    let c = u32::from(c);
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

fn is_separator_space(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

fn is_mark(c: char) -> bool {
    in_ranges(
        c,
        &[
            (0x300, 0x36F),
            (0x483, 0x489),
            (0x591, 0x5BD),
            (0x5BF, 0x5BF),
            (0x5C1, 0x5C2),
            (0x5C4, 0x5C5),
            (0x5C7, 0x5C7),
            (0x610, 0x61A),
            (0x64B, 0x65F),
            (0x670, 0x670),
            (0x6D6, 0x6DC),
            (0x6DF, 0x6E4),
            (0x900, 0x903),
            (0x93A, 0x94F),
            (0x1AB0, 0x1AFF),
            (0x1DC0, 0x1DFF),
            (0x20D0, 0x20FF),
            (0x3099, 0x309A),
            (0xFE00, 0xFE0F),
            (0xFE20, 0xFE2F),
        ],
    )
}

fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return matches!(
            c,
            '!' | '"'
                | '#'
                | '%'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | ','
                | '-'
                | '.'
                | '/'
                | ':'
                | ';'
                | '?'
                | '@'
                | '['
                | '\\'
                | ']'
                | '_'
                | '{'
                | '}'
        );
    }
    in_ranges(
        c,
        &[
            (0xA1, 0xA1),
            (0xA7, 0xA7),
            (0xAB, 0xAB),
            (0xB6, 0xB7),
            (0xBB, 0xBB),
            (0xBF, 0xBF),
            (0x37E, 0x37E),
            (0x387, 0x387),
            (0x55A, 0x55F),
            (0x589, 0x58A),
            (0x5BE, 0x5BE),
            (0x5C0, 0x5C0),
            (0x5C3, 0x5C3),
            (0x5C6, 0x5C6),
            (0x5F3, 0x5F4),
            (0x60C, 0x60D),
            (0x61B, 0x61B),
            (0x61E, 0x61F),
            (0x66A, 0x66D),
            (0x6D4, 0x6D4),
            (0x2010, 0x2027),
            (0x2030, 0x2043),
            (0x2045, 0x2051),
            (0x2053, 0x205E),
            (0x207D, 0x207E),
            (0x208D, 0x208E),
            (0x2308, 0x230B),
            (0x2329, 0x232A),
            (0x2E00, 0x2E4F),
            (0x3001, 0x3003),
            (0x3008, 0x3011),
            (0x3014, 0x301F),
            (0xFE10, 0xFE19),
            (0xFE30, 0xFE52),
            (0xFE54, 0xFE61),
            (0xFE63, 0xFE63),
            (0xFE68, 0xFE68),
            (0xFE6A, 0xFE6B),
            (0xFF01, 0xFF03),
            (0xFF05, 0xFF0A),
            (0xFF0C, 0xFF0F),
            (0xFF1A, 0xFF1B),
            (0xFF1F, 0xFF20),
            (0xFF3B, 0xFF3D),
            (0xFF3F, 0xFF3F),
            (0xFF5B, 0xFF5B),
            (0xFF5D, 0xFF5D),
            (0xFF5F, 0xFF65),
        ],
    )
}

fn is_symbol(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    in_ranges(
        c,
        &[
            (0xA2, 0xA6),
            (0xA8, 0xA9),
            (0xAC, 0xAC),
            (0xAE, 0xB1),
            (0xB4, 0xB4),
            (0xB8, 0xB8),
            (0xD7, 0xD7),
            (0xF7, 0xF7),
            (0x2044, 0x2044),
            (0x2052, 0x2052),
            (0x20A0, 0x20CF),
            (0x2190, 0x2307),
            (0x230C, 0x2328),
            (0x232B, 0x23FF),
            (0x2500, 0x27BF),
            (0x2900, 0x2BFF),
        ],
    )
}

fn is_other(c: char) -> bool {
    c.is_control()
        || in_ranges(
            c,
            &[
                (0xAD, 0xAD),
                (0x200B, 0x200F),
                (0x202A, 0x202E),
                (0x2060, 0x2064),
                (0xFEFF, 0xFEFF),
                (0xE000, 0xF8FF),
                (0xFFFE, 0xFFFF),
                (0xF0000, 0x10FFFF),
            ],
        )
}

fn is_name_start(c: char) -> bool {
    c == ':'
        || c == '_'
        || c.is_ascii_alphabetic()
        || in_ranges(
            c,
            &[
                (0xC0, 0xD6),
                (0xD8, 0xF6),
                (0xF8, 0x2FF),
                (0x370, 0x37D),
                (0x37F, 0x1FFF),
                (0x200C, 0x200D),
                (0x2070, 0x218F),
                (0x2C00, 0x2FEF),
                (0x3001, 0xD7FF),
                (0xF900, 0xFDCF),
                (0xFDF0, 0xFFFD),
                (0x10000, 0xEFFFF),
            ],
        )
}

impl Category {
    fn contains(self, c: char) -> bool {
        match self {
            Category::Letter => c.is_alphabetic() && !is_mark(c),
            Category::Upper => c.is_uppercase(),
            Category::Lower => c.is_lowercase(),
            Category::Number => c.is_numeric(),
            Category::Digit => {
                c.is_numeric()
                    && !matches!(c, '\u{B2}' | '\u{B3}' | '\u{B9}' | '\u{BC}'..='\u{BE}')
                    && !in_ranges(c, &[(0x2150, 0x218F), (0x2460, 0x24FF), (0x2070, 0x209F)])
            }
            Category::Separator => is_separator_space(c) || matches!(c, '\u{2028}' | '\u{2029}'),
            Category::Space => is_separator_space(c),
            Category::Line => c == '\u{2028}',
            Category::Paragraph => c == '\u{2029}',
            Category::Punctuation => is_punctuation(c),
            Category::Symbol => is_symbol(c),
            Category::Other => is_other(c),
            Category::Control => c.is_control(),
            Category::Mark => is_mark(c),
            Category::Blank => matches!(c, ' ' | '\t' | '\n' | '\r'),
            Category::Word => !(is_punctuation(c) || Category::Separator.contains(c) || is_other(c)),
            Category::NameStart => is_name_start(c),
            Category::Name => {
                is_name_start(c)
                    || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}')
                    || in_ranges(c, &[(0x300, 0x36F), (0x203F, 0x2040)])
            }
        }
    }

    fn named(name: &str) -> Option<Category> {
        Some(match name {
            "L" => Category::Letter,
            "Lu" => Category::Upper,
            "Ll" => Category::Lower,
            "N" => Category::Number,
            "Nd" => Category::Digit,
            "Z" => Category::Separator,
            "Zs" => Category::Space,
            "Zl" => Category::Line,
            "Zp" => Category::Paragraph,
            "P" => Category::Punctuation,
            "S" => Category::Symbol,
            "C" => Category::Other,
            "Cc" => Category::Control,
            "M" => Category::Mark,
            _ => return None,
        })
    }
}

impl Set {
    fn contains(&self, c: char) -> bool {
        match self {
            Set::Char(x) => *x == c,
            Set::Range(lo, hi) => (*lo..=*hi).contains(&c),
            Set::Any => c != '\n' && c != '\r',
            Set::Category(cat, negated) => cat.contains(c) != *negated,
            Set::Class { items, negated, minus } => {
                (items.iter().any(|s| s.contains(c)) != *negated) && !minus.as_ref().is_some_and(|m| m.contains(c))
            }
        }
    }
}

struct Parser {
    chars: Vec<char>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn error<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at character {}", self.i))
    }

    fn alternation(&mut self) -> Result<Node, String> {
        let mut branches = vec![self.branch()?];
        while self.eat('|') {
            branches.push(self.branch()?);
        }
        Ok(if branches.len() == 1 { branches.pop().unwrap_or(Node::Empty) } else { Node::Alt(branches) })
    }

    fn branch(&mut self) -> Result<Node, String> {
        let mut pieces = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            pieces.push(self.quantified(atom)?);
        }
        Ok(match pieces.len() {
            0 => Node::Empty,
            1 => pieces.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(pieces),
        })
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.chars[start..self.i].iter().collect::<String>().parse().ok()
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some('?') => (0, Some(1)),
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('{') => {
                self.i += 1;
                let Some(min) = self.number() else { return self.error("a number expected") };
                let max = if self.eat(',') {
                    if self.peek() == Some('}') {
                        None
                    } else {
                        let Some(max) = self.number() else { return self.error("a number expected") };
                        Some(max)
                    }
                } else {
                    Some(min)
                };
                if self.peek() != Some('}') || max.is_some_and(|m| m < min) {
                    return self.error("a bad quantifier");
                }
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.i += 1;
        Ok(Node::Repeat(Box::new(atom), min, max))
    }

    fn atom(&mut self) -> Result<Node, String> {
        let Some(c) = self.peek() else { return self.error("an atom expected") };
        self.i += 1;
        Ok(match c {
            '(' => {
                let inner = self.alternation()?;
                if !self.eat(')') {
                    return self.error("`)` expected");
                }
                inner
            }
            '.' => Node::Set(Set::Any),
            '[' => Node::Set(self.class()?),
            '\\' => Node::Set(self.escape()?),
            '?' | '*' | '+' | '{' | ')' | ']' | '}' => return self.error("a quantifier or bracket without an atom"),
            c => Node::Set(Set::Char(c)),
        })
    }

    /// After a `\`.
    fn escape(&mut self) -> Result<Set, String> {
        let Some(c) = self.peek() else { return self.error("an escape expected") };
        self.i += 1;
        let multi = |cat: Category, negated: bool| Ok(Set::Category(cat, negated));
        match c {
            'n' => Ok(Set::Char('\n')),
            'r' => Ok(Set::Char('\r')),
            't' => Ok(Set::Char('\t')),
            's' => multi(Category::Blank, false),
            'S' => multi(Category::Blank, true),
            'd' => multi(Category::Digit, false),
            'D' => multi(Category::Digit, true),
            'w' => multi(Category::Word, false),
            'W' => multi(Category::Word, true),
            'i' => multi(Category::NameStart, false),
            'I' => multi(Category::NameStart, true),
            'c' => multi(Category::Name, false),
            'C' => multi(Category::Name, true),
            'p' | 'P' => {
                if !self.eat('{') {
                    return self.error("`{` expected");
                }
                let start = self.i;
                while self.peek().is_some_and(|c| c != '}') {
                    self.i += 1;
                }
                let name: String = self.chars[start..self.i].iter().collect();
                if !self.eat('}') {
                    return self.error("`}` expected");
                }
                match Category::named(&name) {
                    Some(cat) => multi(cat, c == 'P'),
                    None => self.error(&format!("the category {name} is not implemented")),
                }
            }
            c if c.is_ascii_punctuation() => Ok(Set::Char(c)),
            _ => self.error("an unknown escape"),
        }
    }

    /// After a `[`.
    fn class(&mut self) -> Result<Set, String> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let mut minus = None;
        let mut first = true;
        loop {
            let Some(c) = self.peek() else { return self.error("`]` expected") };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            if c == '-' && self.chars.get(self.i + 1) == Some(&'[') && !first {
                self.i += 2;
                minus = Some(Box::new(self.class()?));
                if !self.eat(']') {
                    return self.error("`]` expected after a subtraction");
                }
                break;
            }
            first = false;
            self.i += 1;
            let item = if c == '\\' { self.escape()? } else { Set::Char(c) };
            // A range `a-z` (a `-` before `]` is a character of its own).
            if let Set::Char(lo) = item {
                if self.peek() == Some('-') && !matches!(self.chars.get(self.i + 1), Some(']' | '[') | None) {
                    self.i += 1;
                    let hi = match self.peek() {
                        Some('\\') => {
                            self.i += 1;
                            match self.escape()? {
                                Set::Char(h) => h,
                                _ => return self.error("a range ends in a class escape"),
                            }
                        }
                        Some(h) => {
                            self.i += 1;
                            h
                        }
                        None => return self.error("`]` expected"),
                    };
                    if hi < lo {
                        return self.error("a range out of order");
                    }
                    items.push(Set::Range(lo, hi));
                    continue;
                }
            }
            items.push(item);
        }
        Ok(Set::Class { items, negated, minus })
    }
}

impl Regex {
    /// Compiles an XSD pattern, or says what it uses that is not implemented (or malformed).
    pub(crate) fn new(source: &str) -> Result<Regex, String> {
        let mut p = Parser { chars: source.chars().collect(), i: 0 };
        let node = p.alternation()?;
        if p.i != p.chars.len() {
            return p.error("an unmatched `)`");
        }
        let mut re = Regex { insts: Vec::new(), sets: Vec::new() };
        re.emit(&node)?;
        re.push(Inst::Match)?;
        Ok(re)
    }

    fn push(&mut self, inst: Inst) -> Result<usize, String> {
        if self.insts.len() >= MAX_STATES {
            return Err(format!("more than {MAX_STATES} states"));
        }
        self.insts.push(inst);
        Ok(self.insts.len() - 1)
    }

    fn next(&self) -> usize {
        self.insts.len()
    }

    /// Emits `node`; its exit is the state after the last one emitted.
    fn emit(&mut self, node: &Node) -> Result<(), String> {
        match node {
            Node::Empty => Ok(()),
            Node::Set(set) => {
                self.sets.push(set.clone());
                let next = self.next() + 1;
                self.push(Inst::Char(self.sets.len() - 1, next))?;
                Ok(())
            }
            Node::Concat(nodes) => nodes.iter().try_for_each(|n| self.emit(n)),
            Node::Alt(branches) => {
                // split b1, L2; b1; jump end; L2: split b2, L3; b2; jump end; …; bn
                let mut jumps = Vec::new();
                for (i, b) in branches.iter().enumerate() {
                    if i + 1 < branches.len() {
                        let split = self.push(Inst::Split(0, 0))?;
                        self.emit(b)?;
                        jumps.push(self.push(Inst::Jump(0))?);
                        let after = self.next();
                        self.insts[split] = Inst::Split(split + 1, after);
                    } else {
                        self.emit(b)?;
                    }
                }
                let end = self.next();
                for j in jumps {
                    self.insts[j] = Inst::Jump(end);
                }
                Ok(())
            }
            Node::Repeat(inner, min, max) => {
                for _ in 0..*min {
                    self.emit(inner)?;
                }
                match max {
                    None => {
                        // L: split body, end; body; jump L
                        let split = self.push(Inst::Split(0, 0))?;
                        self.emit(inner)?;
                        self.push(Inst::Jump(split))?;
                        let end = self.next();
                        self.insts[split] = Inst::Split(split + 1, end);
                    }
                    Some(max) => {
                        // Each optional copy may be skipped to the end.
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.push(Inst::Split(0, 0))?);
                            self.emit(inner)?;
                        }
                        let end = self.next();
                        for s in splits {
                            self.insts[s] = Inst::Split(s + 1, end);
                        }
                    }
                }
                Ok(())
            }
        }
    }

    /// Adds state `pc` and what it reaches without reading a character to `list`.
    fn add(&self, list: &mut Vec<usize>, seen: &mut [u32], generation: u32, pc: usize, stack: &mut Vec<usize>) {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if seen[pc] == generation {
                continue;
            }
            seen[pc] = generation;
            match self.insts[pc] {
                Inst::Jump(to) => stack.push(to),
                Inst::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Inst::Char(..) | Inst::Match => list.push(pc),
            }
        }
    }

    /// Whether the whole of `value` matches.
    pub(crate) fn matches(&self, value: &str) -> bool {
        let mut seen = vec![0u32; self.insts.len()];
        let mut generation = 1;
        let (mut current, mut next, mut stack) = (Vec::new(), Vec::new(), Vec::new());
        self.add(&mut current, &mut seen, generation, 0, &mut stack);
        for c in value.chars() {
            generation += 1;
            next.clear();
            for &pc in &current {
                if let Inst::Char(set, to) = self.insts[pc] {
                    if self.sets[set].contains(c) {
                        self.add(&mut next, &mut seen, generation, to, &mut stack);
                    }
                }
            }
            std::mem::swap(&mut current, &mut next);
            if current.is_empty() {
                return false;
            }
        }
        current.iter().any(|&pc| matches!(self.insts[pc], Inst::Match))
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(pattern: &str, value: &str) -> bool {
        Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}")).matches(value)
    }

    #[test]
    fn whole_values_only() {
        assert!(m("[0-9]+\\.[0-9]+", "2.35"));
        assert!(!m("[0-9]+\\.[0-9]+", "two"));
        assert!(!m("[0-9]+\\.[0-9]+", "2.35x"));
        assert!(!m("abc", "xabc"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        // `^` and `$` are characters.
        assert!(m("^a$", "^a$"));
    }

    #[test]
    fn branches_groups_and_quantifiers() {
        assert!(m("MANUAL|TIMED|CHAINED|CHAINED [+\\-][0-9]+", "CHAINED -12"));
        assert!(!m("MANUAL|TIMED", "MANUALTIMED"));
        assert!(m("[0-9]+(/[1-9][0-9]*)?", "30000/1001"));
        assert!(!m("[0-9]+(/[1-9][0-9]*)?", "30/0"));
        assert!(m("a{2,3}", "aaa") && !m("a{2,3}", "a") && !m("a{2,3}", "aaaa"));
        assert!(m("a{2}", "aa") && m("a{2,}", "aaaaa") && !m("a{2,}", "a"));
        assert!(m("(a|b)*c", "ababc") && m("(a*)*", "aaaa") && m("(a?)*b", "b"));
        assert!(m("0*([0-9]{1,9}|[1-3][0-9]{9}|4[01][0-9]{8})", "0004100000000"));
    }

    #[test]
    fn classes_escapes_and_categories() {
        assert!(m("[^\\s:]+:[^\\s]+", "medtop:04000000"));
        assert!(!m("[^\\s:]+:[^\\s]+", "nocolon"));
        assert!(m("#[a-fA-F\\d]{6}", "#00ff7A") && !m("#[a-fA-F\\d]{6}", "#00ff7G"));
        assert!(m("[^\\r\\n\\t \\p{Z}]*", "no-space") && !m("[^\\r\\n\\t \\p{Z}]*", "a\u{A0}b"));
        assert!(m("[a-z-[aeiou]]+", "xyz") && !m("[a-z-[aeiou]]+", "xaz"));
        assert!(m("[-a]+", "-a-") && m("[a-]+", "a-"));
        assert!(m("\\i\\c*", "xml:lang") && !m("\\i\\c*", "1x"));
        assert!(m("\\p{Lu}\\p{Ll}+", "Émile") && !m("\\p{L}+", "a1"));
        assert!(!m("\\w+", "été_") && m("\\w+", "été"));
        assert!(m(".+", "a b") && !m(".", "\n"));
        assert!(m("([+]?\\d+(\\.?\\d+)?%)\\s([+]?\\d+(\\.?\\d+)?%)", "10% +20.5%"));
    }

    #[test]
    fn unsupported_and_malformed_patterns_are_errors() {
        assert!(Regex::new("\\p{IsBasicLatin}").is_err());
        assert!(Regex::new("(a").is_err());
        assert!(Regex::new("a)").is_err());
        assert!(Regex::new("a{3,2}").is_err());
        assert!(Regex::new("*a").is_err());
        assert!(Regex::new("[b-a]").is_err());
        // A counted repetition beyond the state bound is refused, not built.
        assert!(Regex::new("(a{1000}){1000}").is_err());
    }

    #[test]
    fn matching_is_linear() {
        // A pattern that makes backtracking engines exponential.
        let value = "a".repeat(5000) + "b";
        assert!(!m("(a*)*c", &value));
        assert!(!m("(a|a)*c", &value));
    }
}
