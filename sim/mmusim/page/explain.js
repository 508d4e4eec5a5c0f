/* The page of `mmusim explain --html`: draws the translation that the embedded JSON (the object of
 * `explain --json`) describes, one step at a time. Nothing is computed here that the JSON does not hold: the page
 * only arranges it. Steps: the request and its address split; per attempt the TLB lookups, each memory access of the
 * walk, the result (and the OS's demand fault between attempts); then the whole translation with its cycles.
 * Buttons or the arrow keys step; #step=N in the address opens step N; #walk steps through every step forward then
 * back and logs each one's HTML into #test-log (the browser test reads it); printing shows every step. */
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
  function hex2(n) { return '0x' + ('0' + Number(n).toString(16)).slice(-2); }
  function row(cells, cls) {
    return el('tr', cls ? { cls: cls } : {}, cells.map(function (c) { return el('td', { text: String(c) }); }));
  }
  function head(cells) {
    return el('tr', {}, cells.map(function (c) { return el('th', { text: c }); }));
  }

  /* ---- the steps ---- */
  var scenes = [{ kind: 'request' }];
  D.attempts.forEach(function (a, ai) {
    if (ai === 1) scenes.push({ kind: 'os', attempt: ai });
    scenes.push({ kind: 'tlb', attempt: ai });
    a.steps.forEach(function (s, si) { scenes.push({ kind: 'walk', attempt: ai, step: si }); });
    scenes.push({ kind: 'result', attempt: ai });
  });
  scenes.push({ kind: 'summary' });

  function attemptName(ai) {
    if (D.attempts.length === 1) return '';
    return ai === 0 ? 'first attempt: ' : 'retry: ';
  }

  /* The address split, with the field a step uses marked (RISC-V names a field VPN[i], the index into table Li). */
  function split(currentLevelName) {
    var box = el('div', { cls: 'split' });
    D.fields.forEach(function (f) {
      var hi = f.lsb + f.bits - 1;
      box.appendChild(el('div', { cls: 'f' + (f.name === currentLevelName ? ' current' : '') }, [
        el('small', { text: (f.vpn_field || f.name) + '  bits ' + hi + '..' + f.lsb }), String(f.index)]));
    });
    box.appendChild(el('div', { cls: 'f' + (currentLevelName === 'offset' ? ' current' : '') }, [
      el('small', { text: 'offset  bits ' + (D.offset_bits - 1) + '..0' }), D.offset_hex]));
    return box;
  }

  function sceneRequest() {
    var s = el('div', {});
    s.appendChild(el('p', { text: 'The ' + D.privilege + '-mode ' + D.op + ' of virtual address ' + D.vaddr_hex +
      ' on ' + D.mode + ' paging: ' + D.paging.levels + ' levels of ' + D.paging.bits_per_level + ' index bits, ' +
      D.paging.va_bits + '-bit virtual and ' + D.paging.pa_bits + '-bit physical addresses.' }));
    s.appendChild(el('p', { text: 'Setup: ' + D.setup + '.' }));
    if (D.note) s.appendChild(el('p', { text: 'Note: ' + D.note }));
    if (!D.canonical) s.appendChild(el('p', { cls: 'fault', text: 'The address is not a valid address of this mode.' }));
    s.appendChild(el('h3', { text: 'The address splits into table indices and the offset' }));
    s.appendChild(split(null));
    s.appendChild(el('p', { text: 'VPN (the bits above the ' + D.offset_bits + '-bit offset): ' + D.vpn_hex +
      '; a page of ' + D.page_size + ' bytes, its leaf entry in the ' + D.leaf_table + '.' }));
    return s;
  }

  function sceneTlb(ai) {
    var a = D.attempts[ai], all = el('div', {}), s;
    var row2 = el('div', { cls: 'tlbs' });
    all.appendChild(row2);
    if (!a.tlb.length) all.appendChild(el('p', { text: 'No TLB.' }));
    a.tlb.forEach(function (t) {
      s = el('div', { cls: 'tlb' });
      row2.appendChild(s);
      s.appendChild(el('h3', { text: t.name + ': ' + t.sets + ' set' + (t.sets === 1 ? '' : 's') + ' x ' + t.ways +
        ' way' + (t.ways === 1 ? '' : 's') + ', set ' + t.set + ' probed with tag ' + t.tag_hex }));
      var tab = el('table', {}, [head(['way', 'valid', 'tag', 'VPN', 'page', 'level'])]);
      t.entries.forEach(function (x) {
        var taken = t.hit_way !== undefined && x.way === t.hit_way && t.result === 'hit';
        tab.appendChild(x.valid ? row([x.way, 1, x.tag_hex, x.vpn_hex, x.page_hex, x.level], taken ? 'taken' : '')
          : row([x.way, 0, '', '', '', '']));
      });
      s.appendChild(tab);
      if (t.ways > t.ways_shown) s.appendChild(el('p', { text: '(' + (t.ways - t.ways_shown) + ' more ways not shown)' }));
      s.appendChild(el('p', { cls: 'meaning', text: 'Outcome: ' + t.outcome }));
    });
    all.appendChild(diagram(ai, 'tlb'));
    return all;
  }

  /* One page table as drawn: the entries around the one taken, that one marked (with the value a write-back put
   * there, when the step shown is one). */
  function pageTable(step, current, written) {
    var box = el('div', { cls: 'ptable' + (current ? ' current' : '') });
    box.appendChild(el('div', { cls: 'caption', text: step.table_name + ' at ' + step.table_hex }));
    var tab = el('table', {}, [head(['index', 'entry'])]);
    var entries = step.table_entries;
    if (entries.length && entries[0].index > 0) tab.appendChild(row(['\u22ee', ''], 'gap'));
    entries.forEach(function (x) {
      var taken = x.index === step.index;
      tab.appendChild(row([x.index, taken ? written || step.value_hex : x.value_hex], taken ? 'taken' : ''));
    });
    if (entries.length && entries[entries.length - 1].index < step.table_size - 1) tab.appendChild(row(['\u22ee', ''], 'gap'));
    box.appendChild(tab);
    return box;
  }

  /* The value the entry read in step xi holds once step si is done: a write-back after that read changed it. */
  function writtenSince(a, xi, si) {
    var v = null;
    for (var wi = xi + 1; wi <= si; wi++) {
      var w = a.steps[wi];
      if (w.op === 'write' && w.address_hex === a.steps[xi].address_hex) v = w.value_hex;
    }
    return v;
  }

  function sceneWalk(ai, si) {
    var a = D.attempts[ai], st = a.steps[si], s = el('div', {});
    var writes = st.op === 'write';
    s.appendChild(el('p', { cls: 'meaning', text: (writes ? 'Write back ' : 'Read ') + st.table_name + '[' + st.index +
      '] at ' + st.address_hex + ' = ' + st.table_hex + ' + ' + D.paging.pte_bytes + ' x ' + st.index +
      ', cycles ' + st.first_cycle + '..' + st.last_cycle + (st.dcache ? ', walker dcache ' + st.dcache : '') }));
    s.appendChild(split(st.table_name));
    var walk = el('div', { cls: 'walk' });
    walk.appendChild(el('div', { cls: 'ptable' }, [el('div', { cls: 'caption', text: 'root' }), a.root_hex]));
    a.steps.forEach(function (x, xi) {
      if (xi > si || x.op === 'write') return;
      walk.appendChild(el('span', { cls: 'arrow', text: '\u2192' }));
      var target = writes && xi === si - 1;
      walk.appendChild(pageTable(x, xi === si || target, writtenSince(a, xi, si)));
    });
    s.appendChild(walk);
    var flags = el('div', { cls: 'flags' });
    st.flags.forEach(function (f) {
      flags.appendChild(el('span', { cls: 'flag' + (f.value ? ' on' : ''), text: f.name + ' ' + f.value }));
    });
    s.appendChild(el('h3', { text: (writes ? 'Entry written: ' + st.before_hex + ' \u2192 ' : 'Entry read: ') + st.value_hex }));
    s.appendChild(flags);
    s.appendChild(el('p', { cls: 'meaning', text: 'Meaning: ' + st.meaning }));
    s.appendChild(diagram(ai, si));
    return s;
  }

  var bits = [['P', 1, 'present: 0 = not present, 1 = protection or reserved bit'],
    ['W/R', 2, 'the access was a write'], ['U/S', 4, 'the access was made in user mode'],
    ['RSVD', 8, 'a reserved bit was set in an entry'], ['I/D', 16, 'the access was an instruction fetch']];

  /* A RISC-V page fault as the hart reports it: the exception code in scause, the address in stval. */
  function riscvTrap(a) {
    var tab = el('table', {}, [head(['register', 'value', 'meaning'])]);
    tab.appendChild(row(['scause', a.scause, 'exception code: ' + a.scause_text], 'taken'));
    tab.appendChild(row(['stval', a.stval_hex, 'the faulting virtual address'], 'taken'));
    return [el('h3', { text: 'Trap: scause ' + a.scause + ' (' + a.scause_text + '), stval ' + a.stval_hex +
      ' (cause: ' + a.cause + ')' }), tab];
  }

  function sceneResult(ai) {
    var a = D.attempts[ai], s = el('div', {});
    s.appendChild(el('p', { cls: 'result ' + (a.fault ? 'fault' : 'ok'), text: a.result_text }));
    if (a.fault && a.scause !== undefined) {
      riscvTrap(a).forEach(function (x) { s.appendChild(x); });
    } else if (a.fault && a.cause !== 'non-canonical' && D.mode !== 'textbook') {  // the error code is x86's
      var tab = el('table', {}, [head(['bit', 'name', 'value', 'meaning'])]);
      bits.forEach(function (b, i) {
        var on = (a.error_code & b[1]) ? 1 : 0;
        tab.appendChild(row([i, b[0], on, b[2]], on ? 'taken' : ''));
      });
      s.appendChild(el('h3', { text: 'Page-fault error code ' + hex2(a.error_code) + ' (cause: ' + a.cause + ')' }));
      s.appendChild(tab);
    } else if (!a.fault) {
      s.appendChild(el('p', { text: 'physical address ' + a.paddr_hex + ' = page + offset ' + D.offset_hex }));
    }
    s.appendChild(el('p', { text: a.cycles_text }));
    s.appendChild(diagram(ai, 'all'));
    return s;
  }

  function sceneOs() {
    return el('div', {}, [el('p', { cls: 'meaning', text: D.os_text + '.' }),
      el('p', { text: 'The fault is not kept in any TLB: the retry looks them up again.' })]);
  }

  function sceneSummary() {
    var s = el('div', {}), last = D.attempts[D.attempts.length - 1];
    s.appendChild(el('p', { cls: 'result ' + (last.fault ? 'fault' : 'ok'), text: last.result_text }));
    D.attempts.forEach(function (a, ai) {
      s.appendChild(el('h3', { text: (attemptName(ai) || 'the translation: ') + a.cycles + ' cycles' }));
      s.appendChild(diagram(ai, 'all'));
      s.appendChild(el('p', { text: a.cycles_text }));
    });
    if (D.attempts.length > 1) s.appendChild(el('p', { text: 'total: ' + D.cycles + ' cycles, of which ' +
      D.os_fault_cycles + ' in the OS' }));
    return s;
  }

  /* The cycle diagram of one attempt: a bar per stage on a common scale; the stage of the step shown is marked. */
  function diagram(ai, current) {
    var a = D.attempts[ai], total = Math.max(a.cycles, 1);
    var box = el('div', { cls: 'diagram' }, [el('h3', { text: 'Cycles 0..' + (a.cycles - 1) + ' of the request' })]);
    a.stages.forEach(function (g) {
      var mark = current === 'all' ? false : current === 'tlb' ? g.step === undefined : g.step === current;
      var bar = el('div', { cls: 'bar' });
      bar.style.left = (100 * g.first / total) + '%';
      bar.style.width = (100 * (g.last - g.first + 1) / total) + '%';
      box.appendChild(el('div', { cls: 'stage' + (mark ? ' current' : '') }, [
        el('span', { text: g.name }), el('div', { cls: 'track' }, [bar]),
        el('span', { text: g.first + '..' + g.last })]));
    });
    return box;
  }

  function title(sc) {
    var p = sc.attempt === undefined ? '' : attemptName(sc.attempt);
    switch (sc.kind) {
      case 'request': return 'The request and its address';
      case 'tlb': return p + 'TLB lookups';
      case 'walk':
        var st = D.attempts[sc.attempt].steps[sc.step];
        return p + 'walk access ' + (sc.step + 1) + ' of ' + D.attempts[sc.attempt].steps.length + ': ' +
          (st.op === 'write' ? 'write-back of ' : 'read of ') + st.table_name + '[' + st.index + ']';
      case 'result': return p + 'result';
      case 'os': return 'The OS serves the fault';
      default: return 'The whole translation';
    }
  }

  function scene(n) {
    var sc = scenes[n];
    var body = sc.kind === 'request' ? sceneRequest() : sc.kind === 'tlb' ? sceneTlb(sc.attempt)
      : sc.kind === 'walk' ? sceneWalk(sc.attempt, sc.step) : sc.kind === 'result' ? sceneResult(sc.attempt)
      : sc.kind === 'os' ? sceneOs() : sceneSummary();
    var sec = el('section', { cls: 'scene', 'data-step': String(n), 'data-kind': sc.kind }, [
      el('h2', {}, [el('span', { cls: 'n', text: String(n + 1) }), title(sc)]), body]);
    if (sc.attempt !== undefined) sec.setAttribute('data-attempt', String(sc.attempt));
    if (sc.step !== undefined) sec.setAttribute('data-access', String(sc.step));
    return sec;
  }

  /* ---- stepping ---- */
  var current = 0, prev, next, position;
  function show(n) {
    current = Math.max(0, Math.min(scenes.length - 1, n));
    app.textContent = '';
    app.appendChild(scene(current));
    position.textContent = 'step ' + (current + 1) + ' of ' + scenes.length;
    prev.disabled = current === 0;
    next.disabled = current === scenes.length - 1;
    var summary = document.getElementById('test-summary');
    summary.textContent = 'step=' + current + ' steps=' + scenes.length + ' kind=' + scenes[current].kind;
    if (history.replaceState) history.replaceState(null, '', '#step=' + current);
  }
  function fromHash() {
    var m = /step=(\d+)/.exec(location.hash);
    return m ? Number(m[1]) : 0;
  }

  var header = document.querySelector('header');
  prev = el('button', { id: 'prev', type: 'button', 'aria-label': 'previous step' }, ['\u25c0 back']);
  next = el('button', { id: 'next', type: 'button', 'aria-label': 'next step' }, ['next \u25b6']);
  position = el('span', { cls: 'position', id: 'position' });
  header.appendChild(el('p', { cls: 'request', text: 'a ' + D.privilege + '-mode ' + D.op + ' of ' + D.vaddr_hex +
    ', ' + D.mode + ' paging: ' + (D.fault ? 'a fault (' + D.cause + ')' : 'physical address ' + D.paddr_hex) +
    ', ' + D.cycles + ' cycles' }));
  header.appendChild(el('nav', { cls: 'controls' }, [prev, position, next,
    el('span', { cls: 'hint', text: 'arrow keys step; Home, End' })]));
  prev.addEventListener('click', function () { show(current - 1); });
  next.addEventListener('click', function () { show(current + 1); });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowRight' || ev.key === 'PageDown' || ev.key === ' ') show(current + 1);
    else if (ev.key === 'ArrowLeft' || ev.key === 'PageUp') show(current - 1);
    else if (ev.key === 'Home') show(0);
    else if (ev.key === 'End') show(scenes.length - 1);
    else return;
    ev.preventDefault();
  });
  window.addEventListener('hashchange', function () { if (fromHash() !== current) show(fromHash()); });

  /* on paper: every step, one after the other */
  document.body.classList.add('stepped');
  var all = document.getElementById('print-all');
  scenes.forEach(function (sc, n) { all.appendChild(scene(n)); });

  var walking = /walk/.test(location.hash);
  show(walking ? 0 : fromHash());
  if (walking) {
    /* The browser test: every step forward with the arrow key, then back with the button, each one logged. */
    var log = document.getElementById('test-log');
    var key = function (k) { document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true })); };
    var record = function (dir) {
      log.appendChild(el('pre', { 'data-step': String(current), 'data-dir': dir, 'data-kind': scenes[current].kind,
        text: app.innerHTML }));
    };
    record('forward');
    for (var i = 1; i < scenes.length; i++) { key('ArrowRight'); record('forward'); }
    key('ArrowRight'); /* at the end: stays */
    record('end');
    for (var j = 1; j < scenes.length; j++) { prev.click(); record('back'); }
    log.setAttribute('data-done', String(scenes.length));
  }
})();
