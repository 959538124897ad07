// The administration page (admin only), route #/admin: users (create,
// disable or enable), teams (create, add a member), the on-call rota (who is on call now, add a
// weekly slot or a dated override), API tokens (create: the secret shown
// once with a copy button; revoke). Also the account page (everyone), route
// #/account: change one's own password, revoking one's API tokens unless
// unticked. Uses only the public API; a refusal shows the server's message
// beside the form, its field marked.
import { api, withQuery } from './api.js';
import { t, getLang } from './i18n.js';
import { num, timeEl } from './format.js';
import { h, table, errorBox, select, labelled, when, session, onSubmit, formStatus, intOrNull,
         STAFF } from './ui.js';

const ROLES = ['admin', 'analyst', 'provincial', 'responder', 'constituent'];
const DAYS = [0, 1, 2, 3, 4, 5, 6]; // Monday first, as the rota counts minutes
const WEEK = 7 * 24 * 60;

// "HH:MM" -> minutes
const minutesOf = v => {
  const m = /^(\d{1,2}):(\d{2})/.exec(v || '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

export async function viewAdmin(view, query, host = view) {
  if (session.me.role !== 'admin') {
    view.append(errorBox({ status: 403 }));
    return;
  }
  const [users, teams, tokens, provinces] = await Promise.all([
    api('GET', '/api/v1/users'), api('GET', '/api/v1/teams'),
    api('GET', withQuery('/api/v1/tokens', { all: 1 })),
    api('GET', '/api/v1/provinces').catch(() => ({ items: [] }))]);
  const oncall = await Promise.all(teams.items.map(tm =>
    api('GET', `/api/v1/teams/${tm.id}/oncall`).catch(() => null)));
  const login = new Map(users.items.map(u => [u.id, u.login]));
  const loginOf = id => h('bdi', {}, login.get(id) || t('common.user', { id: num(id) }));
  const staff = users.items.filter(u => STAFF.includes(u.role) && !u.disabled);
  const scope = x => (x.org ? h('a', { href: `#/orgs/${x.org}` }, t('org.number', { id: num(x.org) }))
    : x.province || t('common.none'));
  const provinceSelect = name => {
    const s = h('select', { name }, h('option', { value: '' }, t('common.none')));
    for (const p of provinces.items)
      s.append(h('option', { value: p.name }, getLang() === 'fa' && p.name_fa ? p.name_fa : p.name));
    return s;
  };
  const userSelect = (name, list) => h('select', { name, required: true },
    list.map(u => h('option', { value: u.id }, u.login)));
  const teamSelect = name => h('select', { name, required: true },
    teams.items.map(tm => h('option', { value: tm.id }, tm.name)));
  const status = h('p', { class: 'status-line', role: 'status' });

  // redraw the page after a change, with a note (and what `after` adds)
  const reload = async (note, after) => {
    const fresh = h('div');
    await viewAdmin(fresh, query, host);
    host.replaceChildren(...fresh.childNodes);
    const s = host.querySelector('.status-line');
    if (s && note) s.textContent = note;
    if (after) after(host);
  };

  /* users */
  const uLogin = h('input', { name: 'login', required: true, maxlength: 63, autocomplete: 'off' });
  const uRole = select('role', ROLES, 'analyst', v => t(`role.${v}`));
  const uOrg = h('input', { name: 'org', type: 'number', min: 1, class: 'number' });
  const uProvince = provinceSelect('province');
  const uPassword = h('input', { name: 'password', type: 'password', required: true,
                                 autocomplete: 'new-password', maxlength: 1024 });
  const uOut = formStatus();
  const userForm = h('form', { id: 'user-form', class: 'filters' },
    labelled('admin.col.login', uLogin), labelled('admin.col.role', uRole),
    labelled('admin.password', uPassword), labelled('admin.org', uOrg),
    labelled('admin.province', uProvince), h('button', { type: 'submit' }, t('admin.create')));
  onSubmit(userForm, uOut, async () => {
    const body = { login: uLogin.value.trim(), role: uRole.value, password: uPassword.value };
    if (uOrg.value !== '') body.org = intOrNull(uOrg.value);
    if (uProvince.value) body.province = uProvince.value;
    const u = await api('POST', '/api/v1/users', body);
    await reload(t('admin.userCreated', { login: u.login }));
  });

  /* teams and members */
  const tName = h('input', { name: 'name', required: true, maxlength: 127 });
  const tProvince = provinceSelect('province');
  const tOut = formStatus();
  const teamForm = h('form', { id: 'team-form', class: 'filters' },
    labelled('admin.col.name', tName), labelled('orgs.col.province', tProvince),
    h('button', { type: 'submit' }, t('admin.create')));
  onSubmit(teamForm, tOut, async () => {
    const body = { name: tName.value.trim() };
    if (tProvince.value) body.province = tProvince.value;
    const tm = await api('POST', '/api/v1/teams', body);
    await reload(t('admin.teamCreated', { name: tm.name }));
  });
  let memberForm = null, mOut = null;
  if (teams.items.length && staff.length) {
    const mTeam = teamSelect('team'), mUser = userSelect('user', staff);
    mOut = formStatus();
    memberForm = h('form', { id: 'member-form', class: 'filters' },
      labelled('admin.team', mTeam), labelled('admin.user', mUser),
      h('button', { type: 'submit' }, t('admin.add')));
    onSubmit(memberForm, mOut, async () => {
      await api('POST', `/api/v1/teams/${mTeam.value}/members`, { user: Number(mUser.value) });
      await reload(t('admin.memberAdded', { login: login.get(Number(mUser.value)) || mUser.value,
        team: mTeam.selectedOptions[0].textContent }));
    });
  }

  /* the rota: who is on call now; add a weekly slot or an override */
  let rotaForm = null, rOut = null;
  if (teams.items.length && staff.length) {
    const rTeam = teamSelect('team'), rUser = userSelect('user', staff);
    const kind = select('kind', ['weekly', 'override'], 'weekly', v => t(`admin.slot.${v}`));
    const day = (name, v) => select(name, DAYS.map(String), String(v), d => t(`day.${d}`));
    const fromDay = day('from_day', 0), toDay = day('to_day', 0);
    const fromTime = h('input', { name: 'start_minute', type: 'time', value: '00:00', class: 'time' });
    const toTime = h('input', { name: 'end_minute', type: 'time', value: '00:00', class: 'time' });
    const weekly = h('fieldset', { class: 'filters slot-weekly' },
      h('legend', {}, t('admin.slotWeekly')),
      labelled('admin.from', fromDay), labelled('admin.fromTime', fromTime),
      labelled('admin.to', toDay), labelled('admin.toTime', toTime),
      h('p', { class: 'meta' }, t('admin.slotWeekHint')));
    const start = h('input', { name: 'start', type: 'datetime-local' });
    const end = h('input', { name: 'end', type: 'datetime-local' });
    const override = h('fieldset', { class: 'filters slot-override', hidden: true },
      h('legend', {}, t('admin.slotOverride')),
      labelled('admin.from', start), labelled('admin.to', end));
    kind.addEventListener('change', () => {
      weekly.hidden = kind.value !== 'weekly';
      override.hidden = kind.value === 'weekly';
    });
    rOut = formStatus();
    rotaForm = h('form', { id: 'rota-form' },
      h('div', { class: 'filters' }, labelled('admin.team', rTeam), labelled('admin.user', rUser),
        labelled('admin.slotKind', kind)),
      weekly, override, h('div', { class: 'buttons' }, h('button', { type: 'submit' }, t('admin.add'))));
    onSubmit(rotaForm, rOut, async () => {
      const body = { user: Number(rUser.value) };
      if (kind.value === 'weekly') {
        body.start_minute = Number(fromDay.value) * 1440 + minutesOf(fromTime.value);
        body.end_minute = Number(toDay.value) * 1440 + minutesOf(toTime.value);
        if (body.end_minute === 0) body.end_minute = WEEK; // Monday 00:00: the end of the week
      } else {
        // datetime-local is the browser's local time; the API takes ISO 8601
        const iso = v => (v ? new Date(v).toISOString() : null);
        body.start = iso(start.value);
        body.end = iso(end.value);
      }
      await api('POST', `/api/v1/teams/${rTeam.value}/rota`, body);
      await reload(t('admin.slotAdded'));
    });
  }

  /* tokens */
  const kName = h('input', { name: 'name', maxlength: 127, required: true });
  const kReadonly = h('input', { name: 'readonly', type: 'checkbox', class: 'check' });
  const kOrg = h('input', { name: 'org', type: 'number', min: 1, class: 'number' });
  const kProvince = provinceSelect('province');
  const kOut = formStatus();
  const tokenForm = h('form', { id: 'token-form', class: 'filters' },
    labelled('admin.col.name', kName),
    h('label', { class: 'inline' }, kReadonly, ' ', h('span', {}, t('admin.tokenReadonly'))),
    labelled('admin.tokenOrg', kOrg), labelled('admin.tokenProvince', kProvince),
    h('button', { type: 'submit' }, t('admin.create')));
  onSubmit(tokenForm, kOut, async () => {
    const body = { name: kName.value.trim(), readonly: kReadonly.checked };
    if (kOrg.value !== '') body.org = intOrNull(kOrg.value);
    if (kProvince.value) body.province = kProvince.value;
    const k = await api('POST', '/api/v1/tokens', body);
    await reload(t('admin.tokenCreatedShort', { name: k.name }), page => {
      const box = secretBox(k);
      page.querySelector('#tokens h2').after(box);
      box.querySelector('input').focus();
    });
  });
  // disabling ends the user's sessions and revokes their tokens (server side)
  const disableButton = u => {
    const b = h('button', { type: 'button', class: 'quiet toggle-user', dataset: { id: u.id },
                            'aria-label': t(u.disabled ? 'admin.enableLabel' : 'admin.disableLabel',
                                            { login: u.login }) },
                t(u.disabled ? 'admin.enable' : 'admin.disable'));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await api('PATCH', `/api/v1/users/${u.id}`, { disabled: !u.disabled });
        await reload(t(u.disabled ? 'admin.userEnabled' : 'admin.userDisabled', { login: u.login }));
      } catch (e) {
        b.disabled = false;
        status.replaceChildren(errorBox(e));
      }
    });
    return b;
  };
  const revokeButton = k => {
    const b = h('button', { type: 'button', class: 'quiet revoke', dataset: { id: k.id },
                            'aria-label': t('admin.revokeLabel', { name: k.name || k.id }) },
                t('admin.revoke'));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await api('DELETE', `/api/v1/tokens/${k.id}`);
        await reload(t('admin.tokenRevoked', { name: k.name || k.id }));
      } catch (e) {
        b.disabled = false;
        status.replaceChildren(errorBox(e));
      }
    });
    return b;
  };

  view.append(h('h1', {}, t('admin.title')), status,
    h('section', { class: 'card', id: 'users' }, h('h2', {}, t('admin.users')),
      table(['admin.col.id', 'admin.col.login', 'admin.col.role', 'admin.col.scope',
             'admin.col.state', 'admin.col.created', 'inc.actions'],
        users.items.map(u => h('tr', { dataset: { user: u.id } },
        h('td', { class: 'num' }, num(u.id)), h('td', {}, h('bdi', {}, u.login)),
        h('td', {}, t(`role.${u.role}`)), h('td', {}, scope(u)),
        h('td', { class: 'user-state' }, t(u.disabled ? 'admin.disabled' : 'admin.active')),
        h('td', {}, timeEl(u.created)),
        h('td', {}, u.id === session.me.id ? null : disableButton(u))))),
      h('h3', {}, t('admin.newUser')), userForm, uOut),
    h('section', { class: 'card', id: 'teams' }, h('h2', {}, t('admin.teams')),
      table(['admin.col.id', 'admin.col.name', 'orgs.col.province', 'admin.col.members'],
        teams.items.map(tm => h('tr', {},
          h('td', { class: 'num' }, num(tm.id)), h('td', { dir: 'auto' }, tm.name),
          h('td', {}, tm.province || t('common.none')),
          h('td', {}, (tm.members || []).map(m => m.login).join(', ') || t('common.none')))),
        'admin.noTeams'),
      h('h3', {}, t('admin.newTeam')), teamForm, tOut,
      memberForm ? [h('h3', {}, t('admin.addMember')), memberForm, mOut] : null),
    h('section', { class: 'card', id: 'oncall' }, h('h2', {}, t('admin.oncall')),
      h('p', { class: 'meta' }, t('admin.rotaNote')),
      table(['admin.col.name', 'admin.col.oncallNow'], teams.items.map((tm, i) => h('tr', {},
        h('td', { dir: 'auto' }, tm.name),
        h('td', { class: 'oncall-now' }, oncall[i] && oncall[i].user ? loginOf(oncall[i].user)
          : t('admin.nobodyOnCall')))), 'admin.noTeams'),
      rotaForm ? [h('h3', {}, t('admin.addSlot')), rotaForm, rOut] : null),
    h('section', { class: 'card', id: 'tokens' }, h('h2', {}, t('admin.tokens')),
      table(['admin.col.id', 'admin.col.name', 'admin.col.owner', 'admin.col.scope',
             'admin.col.access', 'admin.col.created', 'admin.col.lastUsed', 'admin.col.state',
             'inc.actions'],
        tokens.items.map(k => h('tr', { class: k.revoked ? 'revoked' : '', dataset: { token: k.id } },
          h('td', { class: 'num' }, num(k.id)), h('td', { dir: 'auto' }, k.name || ''),
          h('td', {}, loginOf(k.user)),
          h('td', {}, scope(k)),
          h('td', {}, t(k.readonly ? 'admin.readonly' : 'admin.readwrite')),
          h('td', {}, timeEl(k.created)), h('td', {}, when(k.last_used)),
          h('td', { class: 'token-state' },
            k.revoked ? [t('admin.revoked'), ' ', timeEl(k.revoked)] : t('admin.active')),
          h('td', {}, k.revoked ? null : revokeButton(k)))),
        'admin.noTokens'),
      h('h3', {}, t('admin.newToken')), tokenForm, kOut));
}

// the new token's secret, shown once, with a copy button
function secretBox(k) {
  const input = h('input', { type: 'text', readonly: true, value: k.token, dir: 'ltr',
                             class: 'secret', id: 'token-secret-value', spellcheck: 'false',
                             autocomplete: 'off' });
  const note = h('p', { class: 'copy-note', role: 'status' });
  const copy = h('button', { type: 'button', id: 'copy-token' }, t('admin.copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(k.token);
      note.textContent = t('admin.copied');
    } catch (e) {
      input.select();
      let ok = false;
      try { ok = document.execCommand('copy'); } catch (e2) { ok = false; }
      note.textContent = t(ok ? 'admin.copied' : 'admin.copyFailed');
    }
  });
  return h('div', { class: 'secret-box', id: 'token-secret' },
    h('p', { class: 'warn' }, t('admin.tokenCreated', { name: k.name })),
    h('label', { for: 'token-secret-value' }, h('span', {}, t('admin.secret'))),
    h('div', { class: 'copy-row' }, input, copy), note);
}

// The caller's own account, route #/account: change the password. The
// server ends the user's other sessions; the box (ticked by default) also
// revokes the user's API tokens, so a stolen one dies with the old password.
export async function viewAccount(view) {
  const current = h('input', { name: 'current', type: 'password', required: true,
                               autocomplete: 'current-password', maxlength: 1024 });
  const fresh = h('input', { name: 'new', type: 'password', required: true,
                             autocomplete: 'new-password', maxlength: 1024 });
  const revoke = h('input', { name: 'revoke_tokens', type: 'checkbox', class: 'check',
                              checked: true });
  const out = formStatus();
  const form = h('form', { id: 'password-form', class: 'filters' },
    labelled('account.current', current), labelled('account.new', fresh),
    h('label', { class: 'inline' }, revoke, ' ', h('span', {}, t('account.revokeTokens'))),
    h('button', { type: 'submit' }, t('account.change')));
  onSubmit(form, out, async () => {
    const revoked = revoke.checked;
    await api('POST', '/api/v1/session/password',
              { current: current.value, new: fresh.value, revoke_tokens: revoked });
    form.reset();
    revoke.checked = true;
    out.textContent = t(revoked ? 'account.changedRevoked' : 'account.changed');
  });
  view.append(h('h1', {}, t('account.title')),
    h('section', { class: 'card', id: 'password' }, h('h2', {}, t('account.password')),
      h('p', { class: 'meta' }, t('account.passwordNote')), form, out));
}
