/* The page of `mmusim amat --html`: the derivation of the average translation time from the embedded JSON (the
 * object of `amat --json`). Each term of the formula links to the row that says how it was measured, and that row
 * to the counters of the run it divides. Then the effective access time with page faults. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('data').textContent);
  var app = document.getElementById('app');

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'cls') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function link(id, text) { return el('a', { href: '#' + id, text: text }); }
  function f4(x) { return Number(x).toFixed(4); }
  function f6(x) { return Number(x).toFixed(6); }
  var rates = { m1: 1, m2: 1, dirty_rate: 1 };
  function fmt(t) { return rates[t.name] ? f6(t.value) : f4(t.value); }

  /* "a", or "(a + b)", "(a - b)", with each counter linked to its row */
  function expr(s) {
    var out = el('span', {});
    var several = s.indexOf(' ') >= 0;
    if (several) out.appendChild(document.createTextNode('('));
    s.split(' ').forEach(function (tok, i) {
      if (i) out.appendChild(document.createTextNode(' '));
      out.appendChild(tok === '+' || tok === '-' ? document.createTextNode(tok) : link('counter-' + tok, tok));
    });
    if (several) out.appendChild(document.createTextNode(')'));
    return out;
  }

  var T = {};
  D.terms.forEach(function (t) { T[t.name] = t; });
  function term(name) { return link('term-' + name, name); }

  var s = el('section', { cls: 'scene' });
  s.appendChild(el('p', { cls: 'request', text: D.references + ' references, ' + D.requests +
    ' translation requests, ' + D.demand_faults + ' demand faults' }));

  s.appendChild(el('h2', { text: 'The average translation time' }));
  s.appendChild(el('p', { cls: 'formula' }, ['AMAT = ', term('hit_time'), ' + ', term('m1'), ' x (', term('t2'),
    ' + ', term('m2'), ' x ', term('walk_penalty'), ') + ', term('dirty_rate'), ' x ', term('dirty_penalty')]));

  var tab = el('table', {}, [el('tr', {}, ['term', 'meaning', 'measured as', 'measured', 'value'].map(function (h) {
    return el('th', { text: h });
  }))]);
  D.terms.forEach(function (t) {
    tab.appendChild(el('tr', { id: 'term-' + t.name }, [
      el('td', { text: t.name }), el('td', { text: t.meaning }),
      el('td', {}, [t.name + ' = ', expr(t.num_of), ' / ', expr(t.den_of)]),
      el('td', { text: '= ' + t.num + ' / ' + t.den }), el('td', { text: fmt(t) })]));
  });
  s.appendChild(tab);

  s.appendChild(el('p', { cls: 'formula', text: 'AMAT = ' + fmt(T.hit_time) + ' + ' + fmt(T.m1) + ' x (' + fmt(T.t2) +
    ' + ' + fmt(T.m2) + ' x ' + fmt(T.walk_penalty) + ') + ' + fmt(T.dirty_rate) + ' x ' + fmt(T.dirty_penalty) }));
  s.appendChild(el('p', { cls: 'formula', text: '     = ' + f4(D.amat_formula) + ' cycles per translation (formula)' }));
  s.appendChild(el('p', { cls: 'formula' }, ['measured: ', link('counter-translation_cycles', 'translation_cycles'),
    ' / ', link('counter-requests', 'requests'), ' = ' + f4(D.amat_measured) + ' cycles per translation (measured)']));

  s.appendChild(el('h2', { text: 'Effective access time with page faults, per reference' }));
  s.appendChild(el('p', { cls: 'formula', text: 'EAT = (1 - p) x ma + p x fault_service' }));
  var eat = el('table', {}, [el('tr', {}, ['term', 'meaning', 'measured', 'value'].map(function (h) {
    return el('th', { text: h });
  }))]);
  eat.appendChild(el('tr', { id: 'term-ma' }, [el('td', { text: 'ma' }),
    el('td', { text: 'memory access: AMAT + mem.latency (the data access)' }),
    el('td', { text: f4(D.amat_formula) + ' + ' + D.mem_latency }), el('td', { text: f4(D.ma) })]));
  eat.appendChild(el('tr', { id: 'term-p' }, [el('td', { text: 'p' }),
    el('td', { text: 'demand page faults per reference' }),
    el('td', {}, [link('counter-os.demand_faults', 'os.demand_faults'), ' / ', link('counter-references', 'references'),
      ' = ' + D.demand_faults + ' / ' + D.references]), el('td', { text: f6(D.p) })]));
  var service = D.fault_service_mean !== undefined ? D.fault_service_mean : D.fault_service;
  eat.appendChild(el('tr', { id: 'term-fault_service' }, [el('td', { text: 'fault_service' }),
    el('td', { text: 'OS fault handler (os.fault_cycles' + (D.fault_service_mean !== undefined ? ', with swapping' : '') +
      ')' }), el('td', { text: String(D.fault_service) }), el('td', { text: String(service) })]));
  s.appendChild(eat);
  s.appendChild(el('p', { cls: 'formula' }, ['EAT = (1 - ', link('term-p', f6(D.p)), ') x ', link('term-ma', f4(D.ma)),
    ' + ', link('term-p', f6(D.p)), ' x ', link('term-fault_service', String(service))]));
  s.appendChild(el('p', { cls: 'formula', text: '    = ' + f4(D.eat) + ' cycles per reference (formula)' }));
  s.appendChild(el('p', { cls: 'formula' }, ['measured: (', link('counter-translation_cycles', 'translation_cycles'),
    ' + ', link('counter-os.fault_service_cycles', 'os.fault_service_cycles'), ') / ',
    link('counter-references', 'references'), ' + mem.latency = ' + f4(D.eat_measured) + ' cycles per reference']));
  s.appendChild(el('p', { text: 'The textbook form charges a faulting reference the fault service only; in the model ' +
    'it also pays the translation that faulted and the retried one.' }));

  s.appendChild(el('h2', { text: 'The counters of the run' }));
  var ct = el('table', {}, [el('tr', {}, ['counter', 'value', 'what it counts'].map(function (h) {
    return el('th', { text: h });
  }))]);
  D.counters.forEach(function (c) {
    ct.appendChild(el('tr', { id: 'counter-' + c.name }, [el('td', { text: c.name }), el('td', { text: String(c.value) }),
      el('td', { text: c.description })]));
  });
  s.appendChild(ct);
  app.appendChild(s);
  document.getElementById('test-summary').textContent = 'terms=' + D.terms.length + ' counters=' + D.counters.length;
})();
