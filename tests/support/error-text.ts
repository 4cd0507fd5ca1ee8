/**
 * What an HTTP answer must never show a client: JavaScript error class names, stack frames and V8's messages for
 * programming errors. Answers name a reason and say what was wrong with the request, in the server's words.
 */
export const JS_ERROR_TEXT =
  /\b(TypeError|RangeError|ReferenceError|SyntaxError|EvalError|URIError|AggregateError)\b|\n\s+at |\bat \S+ \(|Cannot read propert|Cannot set propert|is not a function|is not iterable|is not defined|Maximum call stack/;
