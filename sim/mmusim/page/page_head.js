/* Runs first: every error and console warning of the page is kept and shown in #console-errors, so a test (and a
 * lecturer) sees a broken page at once. */
(function () {
  'use strict';
  var errors = [];
  function flush() {
    var list = document.getElementById('console-errors');
    if (!list) return;
    list.textContent = '';
    errors.forEach(function (m) {
      var li = document.createElement('li');
      li.textContent = m;
      list.appendChild(li);
    });
    list.hidden = errors.length === 0;
    list.setAttribute('data-count', String(errors.length));
  }
  function record(m) {
    errors.push(String(m));
    flush();
  }
  window.addEventListener('error', function (ev) {
    record('error: ' + ev.message + ' (' + (ev.filename || 'page') + ':' + (ev.lineno || 0) + ')');
  });
  window.addEventListener('unhandledrejection', function (ev) {
    record('unhandled rejection: ' + ev.reason);
  });
  ['error', 'warn'].forEach(function (kind) {
    var original = console[kind];
    console[kind] = function () {
      record(kind + ': ' + Array.prototype.join.call(arguments, ' '));
      return original.apply(console, arguments);
    };
  });
  document.addEventListener('DOMContentLoaded', flush);
})();
