/// Probe support: runs each call in its own thread with a time limit, catches panics,
/// and writes one JSON line per observation to the file named by TESTGEN_PROBE_OUT.
#[macro_use]
mod tg {
    use std::collections::HashSet;
    use std::fmt::{Debug, Display};
    use std::fs::File;
    use std::io::Write;
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

    pub struct Harness {
        out: File,
        timeout: Duration,
        skip: HashSet<String>,
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
            let path = std::env::var("TESTGEN_PROBE_OUT").expect("TESTGEN_PROBE_OUT");
            let ms = std::env::var("TESTGEN_PROBE_CALL_MS").ok()
                .and_then(|v| v.parse().ok()).unwrap_or(2000);
            let skip = std::env::var("TESTGEN_PROBE_SKIP").unwrap_or_default()
                .split(',').filter(|s| !s.is_empty()).map(|s| s.to_string()).collect();
            Harness {
                out: File::create(path).expect("probe output file"),
                timeout: Duration::from_millis(ms),
                skip,
                stuck: HashSet::new(),
            }
        }

        fn line(&mut self, text: String) {
            let _ = writeln!(self.out, "{}", text);
            let _ = self.out.flush();
        }

        pub fn call(&mut self, group: &str, id: &str, f: fn() -> String) {
            if self.skip.contains(id) {
                return;
            }
            if self.stuck.contains(group) {
                self.line(format!("{{\"id\":{},\"outcome\":\"skipped\",\"reason\":\"an earlier input of the same function timed out\"}}", q(id)));
                return;
            }
            self.line(format!("{{\"id\":{},\"start\":true}}", q(id)));
            let first = run(f, self.timeout);
            let record = match first {
                Ran::TimedOut => {
                    self.stuck.insert(group.to_string());
                    format!("{{\"id\":{},\"outcome\":\"timeout\"}}", q(id))
                }
                Ran::Done(payload) => {
                    let det = match run(f, self.timeout) {
                        Ran::Done(again) => again == payload,
                        _ => false,
                    };
                    format!("{{\"id\":{},\"outcome\":\"return\",\"det\":{},\"obs\":{}}}", q(id), det, payload)
                }
                Ran::Panicked(message) => {
                    let det = match run(f, self.timeout) {
                        Ran::Panicked(again) => again == message,
                        _ => false,
                    };
                    format!("{{\"id\":{},\"outcome\":\"panic\",\"det\":{},\"message\":{}}}", q(id), det, q(&message))
                }
            };
            self.line(record);
        }

        pub fn done(&mut self) {
            self.line("{\"done\":true}".to_string());
        }
    }
}
