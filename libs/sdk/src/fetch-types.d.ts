// The generated client names the DOM's `BodyInit`; the project compiles without the DOM library,
// and Node's fetch types call it `RequestInit['body']`.
type BodyInit = NonNullable<RequestInit['body']>;
