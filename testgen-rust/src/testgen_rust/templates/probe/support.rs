/// Probe support: reads the plan (JSON, in the file named by TESTGEN_PROBE_PLAN: the output
/// file, `limits.call_ms` and the ids of the calls to run), runs each planned call in its own
/// thread with that time limit, catches panics, and writes the records of the probe host's
/// protocol (testgen.kit.probehost) to the output file, one JSON line each, flushed at once:
/// `{"event":"start","id":..}` before a call, `{"event":"result","id":..,"outcome":..}` after
/// it, `{"event":"done"}` at the end.
#[macro_use]
mod tg {
    use std::collections::HashSet;
    use std::fmt::{Debug, Display};
    use std::fs::File;
    use std::io::{Read, Write};
    use std::sync::mpsc;
    use std::time::Duration;

    // Autoref specialisation: `(&W(&v)).tg_debug()` picks the first impl when T: Debug,
    // the fallback otherwise, so one harness compiles whatever the types implement.
    pub struct W<'a, T: ?Sized>(pub &'a T);
    pub trait DebugYes { fn tg_debug(&self) -> Option<String>; }
    impl<'a, T: ?Sized + Debug> DebugYes for W<'a, T> {
        fn tg_debug(&self) -> Option<String> { Some(format!("{:?}", self.0)) }
    }
    pub trait DebugNo { fn tg_debug(&self) -> Option<String>; }
    impl<'a, T: ?Sized> DebugNo for &W<'a, T> {
        fn tg_debug(&self) -> Option<String> { None }
    }
    pub trait DisplayYes { fn tg_display(&self) -> Option<String>; }
    impl<'a, T: ?Sized + Display> DisplayYes for W<'a, T> {
        fn tg_display(&self) -> Option<String> { Some(format!("{}", self.0)) }
    }
    pub trait DisplayNo { fn tg_display(&self) -> Option<String>; }
    impl<'a, T: ?Sized> DisplayNo for &W<'a, T> {
        fn tg_display(&self) -> Option<String> { None }
    }
    pub trait EqYes { fn tg_eq(&self) -> bool; }
    impl<'a, T: ?Sized + PartialEq> EqYes for W<'a, T> {
        fn tg_eq(&self) -> bool { self.0 == self.0 }
    }
    pub trait EqNo { fn tg_eq(&self) -> bool; }
    impl<'a, T: ?Sized> EqNo for &W<'a, T> {
        fn tg_eq(&self) -> bool { false }
    }

    // `(&W(a)).tg_same(&b)`: whether a == b when T: PartialEq (a round trip came back).
    pub trait SameYes<T: ?Sized> { fn tg_same(&self, other: &T) -> Option<bool>; }
    impl<'a, T: ?Sized + PartialEq> SameYes<T> for W<'a, T> {
        fn tg_same(&self, other: &T) -> Option<bool> { Some(self.0 == other) }
    }
    pub trait SameNo<T: ?Sized> { fn tg_same(&self, other: &T) -> Option<bool>; }
    impl<'a, T: ?Sized> SameNo<T> for &W<'a, T> {
        fn tg_same(&self, other: &T) -> Option<bool> { None }
    }

    pub fn q(s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn opt(s: &Option<String>) -> String {
        match s {
            Some(s) => q(&s.chars().take(4000).collect::<String>()),
            None => "null".to_string(),
        }
    }

    /// One observed value: its Debug and Display text and whether it supports ==.
    pub fn value(debug: Option<String>, display: Option<String>, eq: bool) -> String {
        format!("{{\"debug\":{},\"display\":{},\"eq\":{}}}", opt(&debug), opt(&display), eq)
    }

    macro_rules! tg_value {
        ($v:expr) => {{
            let v = &$v;
            $crate::tg::value(
                (&$crate::tg::W(v)).tg_debug(),
                (&$crate::tg::W(v)).tg_display(),
                (&$crate::tg::W(v)).tg_eq(),
            )
        }};
    }

    /// The plan's JSON: just enough of a reader for the objects the host writes.
    pub enum J {
        Null,
        Bool(bool),
        Num(f64),
        Str(String),
        Arr(Vec<J>),
        Obj(Vec<(String, J)>),
    }

    impl J {
        pub fn get(&self, key: &str) -> Option<&J> {
            match self {
                J::Obj(items) => items.iter().find(|kv| kv.0 == key).map(|kv| &kv.1),
                _ => None,
            }
        }
    }

    struct Reader<'a> {
        s: &'a [u8],
        i: usize,
    }

    impl<'a> Reader<'a> {
        fn ws(&mut self) {
            while self.i < self.s.len() && (self.s[self.i] as char).is_ascii_whitespace() {
                self.i += 1;
            }
        }

        fn eat(&mut self, c: u8) -> bool {
            self.ws();
            if self.s.get(self.i) == Some(&c) {
                self.i += 1;
                true
            } else {
                false
            }
        }

        fn word(&mut self, w: &str, v: J) -> Option<J> {
            if self.s[self.i..].starts_with(w.as_bytes()) {
                self.i += w.len();
                Some(v)
            } else {
                None
            }
        }

        fn value(&mut self) -> Option<J> {
            self.ws();
            match *self.s.get(self.i)? {
                b'{' => {
                    self.i += 1;
                    let mut items = Vec::new();
                    if self.eat(b'}') {
                        return Some(J::Obj(items));
                    }
                    loop {
                        self.ws();
                        let key = match self.value()? {
                            J::Str(k) => k,
                            _ => return None,
                        };
                        if !self.eat(b':') {
                            return None;
                        }
                        let v = self.value()?;
                        items.push((key, v));
                        if self.eat(b'}') {
                            return Some(J::Obj(items));
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                b'[' => {
                    self.i += 1;
                    let mut items = Vec::new();
                    if self.eat(b']') {
                        return Some(J::Arr(items));
                    }
                    loop {
                        items.push(self.value()?);
                        if self.eat(b']') {
                            return Some(J::Arr(items));
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                b'"' => self.string().map(J::Str),
                b't' => self.word("true", J::Bool(true)),
                b'f' => self.word("false", J::Bool(false)),
                b'n' => self.word("null", J::Null),
                _ => {
                    let start = self.i;
                    while self.i < self.s.len() && b"+-.eE0123456789".contains(&self.s[self.i]) {
                        self.i += 1;
                    }
                    std::str::from_utf8(&self.s[start..self.i]).ok()?.parse().ok().map(J::Num)
                }
            }
        }

        fn string(&mut self) -> Option<String> {
            self.i += 1;
            let mut out: Vec<u8> = Vec::new();
            loop {
                let c = *self.s.get(self.i)?;
                self.i += 1;
                match c {
                    b'"' => return Some(String::from_utf8_lossy(&out).into_owned()),
                    b'\\' => {
                        let e = *self.s.get(self.i)?;
                        self.i += 1;
                        let ch = match e {
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            b'u' => {
                                let hex = std::str::from_utf8(self.s.get(self.i..self.i + 4)?).ok()?;
                                self.i += 4;
                                std::char::from_u32(u32::from_str_radix(hex, 16).ok()?)
                                    .unwrap_or('\u{fffd}')
                            }
                            other => other as char,
                        };
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    c => out.push(c),
                }
            }
        }
    }

    pub fn parse_json(text: &str) -> Option<J> {
        Reader { s: text.as_bytes(), i: 0 }.value()
    }

    pub struct Harness {
        out: File,
        timeout: Duration,
        planned: HashSet<String>,
        stuck: HashSet<String>,
    }

    enum Ran {
        Done(String),
        Panicked(String),
        TimedOut,
    }

    fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
        if let Some(s) = payload.downcast_ref::<&str>() {
            s.to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "Box<dyn Any>".to_string()
        }
    }

    fn run(f: fn() -> String, timeout: Duration) -> Ran {
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("tg-probe".into())
            .stack_size(16 * 1024 * 1024)
            .spawn(move || {
                let outcome = match std::panic::catch_unwind(f) {
                    Ok(s) => Ran::Done(s),
                    Err(e) => Ran::Panicked(panic_message(e)),
                };
                let _ = tx.send(outcome);
            });
        if spawned.is_err() {
            return Ran::Panicked("could not start a probe thread".to_string());
        }
        match rx.recv_timeout(timeout) {
            Ok(r) => r,
            Err(_) => Ran::TimedOut,
        }
    }

    impl Harness {
        pub fn from_env() -> Harness {
            std::panic::set_hook(Box::new(|_| {}));
            let plan_path = std::env::var("TESTGEN_PROBE_PLAN").expect("TESTGEN_PROBE_PLAN");
            let mut text = String::new();
            File::open(&plan_path).expect("probe plan file").read_to_string(&mut text)
                .expect("probe plan file");
            let plan = parse_json(&text).expect("probe plan: not JSON");
            let path = match plan.get("out") {
                Some(J::Str(p)) => p.clone(),
                _ => panic!("probe plan: no output file"),
            };
            let ms = match plan.get("limits").and_then(|l| l.get("call_ms")) {
                Some(J::Num(n)) if *n > 0.0 => *n as u64,
                _ => 2000,
            };
            let mut planned = HashSet::new();
            if let Some(J::Arr(calls)) = plan.get("calls") {
                for call in calls {
                    if let Some(J::Str(id)) = call.get("id") {
                        planned.insert(id.clone());
                    }
                }
            }
            Harness {
                out: File::create(path).expect("probe output file"),
                timeout: Duration::from_millis(ms),
                planned,
                stuck: HashSet::new(),
            }
        }

        fn line(&mut self, text: String) {
            let _ = writeln!(self.out, "{}", text);
            let _ = self.out.flush();
        }

        pub fn call(&mut self, group: &str, id: &str, f: fn() -> String) {
            if !self.planned.contains(id) {
                return;
            }
            if self.stuck.contains(group) {
                self.line(format!("{{\"event\":\"result\",\"id\":{},\"outcome\":\"skipped\",\"reason\":\"an earlier input of the same function timed out\"}}", q(id)));
                return;
            }
            self.line(format!("{{\"event\":\"start\",\"id\":{}}}", q(id)));
            let first = run(f, self.timeout);
            let record = match first {
                Ran::TimedOut => {
                    self.stuck.insert(group.to_string());
                    format!("{{\"event\":\"result\",\"id\":{},\"outcome\":\"timeout\"}}", q(id))
                }
                Ran::Done(payload) => {
                    let det = match run(f, self.timeout) {
                        Ran::Done(again) => again == payload,
                        _ => false,
                    };
                    format!("{{\"event\":\"result\",\"id\":{},\"outcome\":\"return\",\"det\":{},\"obs\":{}}}", q(id), det, payload)
                }
                Ran::Panicked(message) => {
                    let det = match run(f, self.timeout) {
                        Ran::Panicked(again) => again == message,
                        _ => false,
                    };
                    format!("{{\"event\":\"result\",\"id\":{},\"outcome\":\"panic\",\"det\":{},\"message\":{}}}", q(id), det, q(&message))
                }
            };
            self.line(record);
        }

        pub fn done(&mut self) {
            self.line("{\"event\":\"done\"}".to_string());
        }
    }
}
