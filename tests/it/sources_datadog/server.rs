//! A stand-in for Datadog's `/api/v1/query` on loopback: it answers with a body from the
//! datadog fixtures (Datadog's published answers), either as recorded or moved to the window
//! asked (every time in it shifted by one amount so that `to_date` is the `to` asked, the
//! values untouched), and remembers every request.

use crate::support::providers::recorded;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// What the server answers with.
#[derive(Clone)]
pub enum Answer {
    /// A 200 with the fixture moved to the window asked.
    Now(&'static str),
    /// The fixture as recorded, with this status and these headers.
    AsIs(
        StatusCode,
        &'static str,
        &'static [(&'static str, &'static str)],
    ),
    /// A body typed here (what no published fixture shows: a proxy's HTML page).
    Text(StatusCode, &'static str),
}

/// One request seen: its path, its raw (still encoded) query, its headers.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// A query parameter, decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

#[derive(Clone)]
pub struct Datadog {
    answer: Arc<Mutex<Answer>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Datadog {
    /// Serve `answer` on a free loopback port; returns the server and `http://127.0.0.1:PORT`.
    pub async fn serve(answer: Answer) -> (Self, String) {
        let me = Datadog {
            answer: Arc::new(Mutex::new(answer)),
            seen: Arc::default(),
        };
        let server = me.clone();
        let app = Router::new().fallback(move |req: Request<Body>| {
            let me = server.clone();
            async move { me.handle(req) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (me, url)
    }

    pub fn answer(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn handle(&self, req: Request<Body>) -> Response {
        let seen = Seen {
            path: req.uri().path().to_string(),
            query: req.uri().query().unwrap_or_default().to_string(),
            headers: req.headers().clone(),
        };
        self.seen.lock().unwrap().push(seen.clone());
        if seen.path == crate::support::providers::ROLLBACK_CHECK {
            return (StatusCode::OK, "{}").into_response();
        }
        if seen.path != "/api/v1/query" {
            return StatusCode::NOT_FOUND.into_response();
        }
        let json = [("content-type", "application/json")];
        match self.answer.lock().unwrap().clone() {
            Answer::Now(file) => {
                let to: i64 = seen.param("to").and_then(|t| t.parse().ok()).unwrap_or(0);
                (StatusCode::OK, json, moved(&recorded(file), to * 1000)).into_response()
            }
            Answer::AsIs(status, file, headers) => {
                let mut response = (status, json, recorded(file)).into_response();
                for (name, value) in headers {
                    response.headers_mut().insert(*name, value.parse().unwrap());
                }
                response
            }
            Answer::Text(status, text) => (status, text).into_response(),
        }
    }
}

/// `body` with every time in it shifted by one amount, so that its end (`to_date`, or its
/// last point when it has none) is `to_ms`; a body without a time as it is.
pub fn moved(body: &str, to_ms: i64) -> String {
    let mut doc: Value = serde_json::from_str(body).unwrap();
    let last_point = || {
        doc["series"]
            .as_array()?
            .iter()
            .filter_map(|s| s["pointlist"].as_array()?.last()?.get(0)?.as_f64())
            .reduce(f64::max)
    };
    let Some(end) = doc["to_date"].as_f64().or_else(last_point) else {
        return body.to_string();
    };
    let by = to_ms as f64 - end;
    let shift = |v: &mut Value| {
        *v = match v.as_i64() {
            Some(i) => Value::from(i + by as i64),
            None => match v.as_f64() {
                Some(f) => Value::from(f + by),
                None => return,
            },
        }
    };
    shift(&mut doc["from_date"]);
    shift(&mut doc["to_date"]);
    for series in doc["series"].as_array_mut().into_iter().flatten() {
        shift(&mut series["start"]);
        shift(&mut series["end"]);
        for point in series["pointlist"].as_array_mut().into_iter().flatten() {
            shift(&mut point[0]);
        }
    }
    doc.to_string()
}
