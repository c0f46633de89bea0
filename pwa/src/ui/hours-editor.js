// The opening hours: a visual editor (days × slots, « fermé », public holidays, copy to other days) that
// writes the OpenStreetMap string, the string itself for those who know it, and the week they mean. The
// server checks the string as it changes.
import { isAbort } from '../api.js';
import { h, setChildren } from '../dom.js';
import { weekDays } from '../format.js';
import { icon } from '../icons.js';
import { textField } from './forms.js';
import { fromFrench } from './hours-french.js';
import {
  COPY_TARGETS,
  DAYS,
  HOLIDAYS_NAME,
  MAX_SLOTS,
  cloneModel,
  copyDay,
  emptyModel,
  formatHours,
  modelProblems,
  parseHours,
} from './hours-model.js';
import { hoursWeekTable } from './hours-week.js';

const CHECK_DELAY_MS = 400;
const EMPTY_TEXT = 'Sans horaires, votre fiche affichera « Horaires non renseignés ».';
const HOLIDAY_CHOICES = [
  ['normal', 'Comme les autres jours (selon le jour de la semaine)'],
  ['off', 'Fermé'],
  ...DAYS.map((day, index) => [`day-${index}`, `Comme le ${day.name.toLowerCase()}`]),
  ['own', 'Horaires particuliers'],
];

function hidden(text) {
  return h('span', { class: 'visually-hidden' }, text);
}

export function hoursEditor({ api, id, value = '' }) {
  const text = textField({
    id,
    name: 'opening_hours',
    label: 'Horaires d’ouverture (format OpenStreetMap)',
    hint: 'Rempli par l’éditeur ci-dessus ; vous pouvez aussi l’écrire vous-même, par exemple « Mo-Sa 09:00-12:30,14:00-19:00; PH off ».',
    required: false,
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    maxlength: '255',
    value,
  });
  const summaryId = `${id}-week`;
  const summary = h('p', { 'id': summaryId, 'class': 'week-summary', 'aria-live': 'polite' });
  const french = h('div', { class: 'hours-french', hidden: true });
  text.wrapper.classList.add('hours-text');
  text.wrapper.append(
    french,
    summary,
    h(
      'details',
      { class: 'format-help' },
      h('summary', {}, 'Aide sur le format'),
      h(
        'ul',
        {},
        h(
          'li',
          {},
          'Jours : Mo lundi, Tu mardi, We mercredi, Th jeudi, Fr vendredi, Sa samedi, Su dimanche.',
        ),
        h('li', {}, 'Plages : Mo-Fr pour du lundi au vendredi, 09:30-12:30,14:00-19:00 pour deux créneaux.'),
        h('li', {}, 'Séparez les règles par un point-virgule : Mo-Fr 09:00-19:00; Sa 09:00-12:00.'),
        h('li', {}, 'PH off : fermé les jours fériés. Laissez vide si vous ne savez pas.'),
      ),
    ),
  );

  const days = h('div', { class: 'hours-days' });
  const holidays = h('div', { class: 'hours-holidays' });
  const problemsId = `${id}-problems`;
  const problemsBox = h('div', { 'id': problemsId, 'class': 'hours-problems', 'aria-live': 'polite' });
  const copied = h('p', { 'class': 'hours-copied', 'aria-live': 'polite' });
  const visual = h(
    'fieldset',
    { class: 'hours-visual' },
    h('legend', {}, 'Jours et plages horaires'),
    h(
      'p',
      { class: 'hint' },
      'Pour une pause déjeuner, ajoutez une deuxième plage. « Copier » reporte les horaires d’un jour sur les autres.',
    ),
    days,
    holidays,
    problemsBox,
    copied,
  );
  const advancedNote = h(
    'div',
    { class: 'hours-advanced', hidden: true },
    h(
      'p',
      {},
      'Ce texte va au-delà de ce que l’éditeur sait afficher (mois, semaines, lever du soleil, plages après minuit, commentaires… ou texte en cours de saisie) : l’éditeur montre seulement le texte avancé ci-dessous, que vous pouvez modifier.',
    ),
    h(
      'button',
      { type: 'button', class: 'button button-secondary button-compact', onclick: () => restart() },
      'Tout effacer et utiliser l’éditeur',
    ),
  );
  const preview = h('div', { 'class': 'hours-preview', 'aria-labelledby': `${id}-preview-title` });
  const previewSection = h(
    'section',
    { 'class': 'hours-preview-section', 'aria-labelledby': `${id}-preview-title` },
    h('h3', { id: `${id}-preview-title` }, 'Aperçu de la semaine'),
    preview,
  );
  const wrapper = h('div', { class: 'hours-editor' }, visual, advancedNote, previewSection, text.wrapper);
  const input = text.input;

  let model = parseHours(value);
  let problems = [];
  let openCopy = null; // the day whose « copier » choices are shown

  const describe = () => {
    const ids = [`${id}-hint`, input.getAttribute('aria-invalid') ? `${id}-error` : null, summaryId];
    input.setAttribute('aria-describedby', ids.filter(Boolean).join(' '));
  };

  // --- The visual editor ---

  function slotRows(name, slots, prefix, onRemove) {
    return slots.map((slot, index) => {
      const number = index + 1;
      const timeInput = (key, label) => {
        const inputId = `${prefix}-s${index}-${key}`;
        // Midnight as a closing time is 24:00 in the string, 00:00 in a time input.
        const shown = slot[key] === '24:00' ? '00:00' : slot[key];
        return h(
          'div',
          { class: 'hours-time' },
          h('label', { for: inputId }, hidden(`${name}, `), label, hidden(` ${number}`)),
          h('input', {
            'id': inputId,
            'type': 'time',
            'value': shown,
            'aria-describedby': problemsId,
            'oninput': (event) => {
              const typed = event.target.value;
              slot[key] = key === 'closes' && typed === '00:00' ? '24:00' : typed;
              changed();
            },
          }),
        );
      };
      return h(
        'div',
        { class: 'hours-slot' },
        timeInput('opens', 'Ouverture'),
        timeInput('closes', 'Fermeture'),
        index > 0
          ? h(
              'button',
              {
                type: 'button',
                class: 'button button-secondary button-compact hours-remove',
                onclick: () => onRemove(index),
              },
              icon('trash', 'icon icon-small'),
              hidden(`Retirer la plage ${number} (${name.toLowerCase()})`),
            )
          : h('span', { class: 'hours-remove' }),
      );
    });
  }

  function dayBlock(day, index) {
    const { name } = DAYS[index];
    const prefix = `${id}-d${index}`;
    const closedId = `${prefix}-closed`;
    const copyId = `${prefix}-copy`;
    const panelId = `${prefix}-copy-choices`;
    const titleId = `${prefix}-name`;
    // A group named by a visible title rather than a fieldset's legend: the title and « Fermé » share a line.
    const block = h(
      'div',
      { 'class': day.closed ? 'hours-day is-closed' : 'hours-day', 'role': 'group', 'aria-labelledby': titleId },
      h(
        'div',
        { class: 'hours-day-head' },
        h('span', { id: titleId, class: 'hours-day-name' }, name),
        h(
          'div',
          { class: 'check hours-closed' },
          h('input', {
            id: closedId,
            type: 'checkbox',
            checked: day.closed,
            onchange: (event) => {
              day.closed = event.target.checked;
              if (!day.closed && !day.slots.length) day.slots = [{ opens: '09:00', closes: '18:00' }];
              changed({ render: true, focus: closedId });
            },
          }),
          h('label', { for: closedId }, hidden(`${name} : `), 'Fermé'),
        ),
      ),
    );
    if (!day.closed) {
      block.append(
        ...slotRows(name, day.slots, prefix, (slotIndex) => {
          day.slots.splice(slotIndex, 1);
          changed({ render: true, focus: `${prefix}-add` });
        }),
      );
    }
    const actions = h('div', { class: 'hours-day-actions' });
    if (!day.closed && day.slots.length < MAX_SLOTS) {
      actions.append(
        h(
          'button',
          {
            id: `${prefix}-add`,
            type: 'button',
            class: 'button button-secondary button-compact',
            onclick: () => {
              day.slots.push({ opens: '', closes: '' });
              changed({ render: true, focus: `${prefix}-s${day.slots.length - 1}-opens` });
            },
          },
          'Ajouter une plage',
          hidden(` (${name.toLowerCase()})`),
        ),
      );
    }
    actions.append(
      h(
        'button',
        {
          'id': copyId,
          'type': 'button',
          'class': 'button button-secondary button-compact',
          'aria-expanded': String(openCopy === index),
          'aria-controls': panelId,
          'onclick': () => {
            openCopy = openCopy === index ? null : index;
            render(openCopy === index ? `${panelId}-others` : copyId);
          },
        },
        'Copier',
        hidden(` les horaires du ${name.toLowerCase()}`),
      ),
    );
    block.append(actions);
    const panel = h(
      'div',
      {
        'id': panelId,
        'class': 'hours-copy',
        'role': 'group',
        'aria-label': `Copier les horaires du ${name.toLowerCase()}`,
        'hidden': openCopy !== index,
        'onkeydown': (event) => {
          if (event.key !== 'Escape') return;
          openCopy = null;
          render(copyId);
        },
      },
      h('p', { class: 'hint' }, `Copier les horaires du ${name.toLowerCase()} :`),
      Object.entries(COPY_TARGETS).map(([key, target]) =>
        h(
          'button',
          {
            id: `${panelId}-${key}`,
            type: 'button',
            class: 'button button-secondary button-compact',
            onclick: () => {
              model = copyDay(model, index, target.days);
              openCopy = null;
              copied.textContent = `Horaires du ${name.toLowerCase()} copiés : ${target.label.toLowerCase()}.`;
              changed({ render: true, focus: copyId });
            },
          },
          target.label,
        ),
      ),
    );
    block.append(panel);
    return block;
  }

  function holidaysBlock() {
    const selectId = `${id}-holidays`;
    const { mode, day } = model.holidays;
    const current = mode === 'day' ? `day-${day}` : mode;
    const block = h(
      'div',
      { 'class': 'hours-day', 'role': 'group', 'aria-labelledby': `${id}-ph-name` },
      h('div', { class: 'hours-day-head' }, h('span', { id: `${id}-ph-name`, class: 'hours-day-name' }, HOLIDAYS_NAME)),
      h(
        'div',
        { class: 'field' },
        h('label', { for: selectId }, 'Les jours fériés, le commerce est ouvert'),
        h(
          'select',
          {
            id: selectId,
            onchange: (event) => {
              const choice = event.target.value;
              const holidays = model.holidays;
              if (choice.startsWith('day-')) {
                holidays.mode = 'day';
                holidays.day = Number(choice.slice(4));
              } else {
                holidays.mode = choice;
                if (choice === 'own' && !holidays.slots.length) holidays.slots = [{ opens: '10:00', closes: '12:00' }];
              }
              changed({ render: true, focus: selectId });
            },
          },
          HOLIDAY_CHOICES.map(([choice, label]) => h('option', { value: choice, selected: choice === current }, label)),
        ),
      ),
    );
    if (mode === 'own') {
      const prefix = `${id}-ph`;
      block.append(
        ...slotRows(HOLIDAYS_NAME, model.holidays.slots, prefix, (slotIndex) => {
          model.holidays.slots.splice(slotIndex, 1);
          changed({ render: true, focus: `${prefix}-add` });
        }),
      );
      if (model.holidays.slots.length < MAX_SLOTS) {
        block.append(
          h(
            'div',
            { class: 'hours-day-actions' },
            h(
              'button',
              {
                id: `${prefix}-add`,
                type: 'button',
                class: 'button button-secondary button-compact',
                onclick: () => {
                  model.holidays.slots.push({ opens: '', closes: '' });
                  changed({ render: true, focus: `${prefix}-s${model.holidays.slots.length - 1}-opens` });
                },
              },
              'Ajouter une plage',
              hidden(' (jours fériés)'),
            ),
          ),
        );
      }
    }
    return block;
  }

  function render(focusId = null) {
    visual.hidden = !model;
    // Hours in French have their own box, with the editor's reading of them.
    advancedNote.hidden = Boolean(model) || !french.hidden;
    summary.hidden = Boolean(model);
    if (model) {
      setChildren(days, model.days.map(dayBlock));
      setChildren(holidays, holidaysBlock());
      refreshPreview();
    } else {
      setChildren(
        preview,
        h('p', { class: 'hint' }, 'Voyez la semaine à venir sous le texte des horaires.'),
      );
    }
    if (focusId) document.getElementById(focusId)?.focus();
  }

  /** The visual editor changed: write the string when the model is complete, and check it. */
  function changed({ render: rebuild = false, focus = null } = {}) {
    problems = modelProblems(model);
    if (!problems.length) {
      input.value = formatHours(model);
      schedule();
    }
    if (rebuild) render(focus);
    else refreshPreview();
  }

  function refreshPreview() {
    setChildren(
      problemsBox,
      problems.length ? h('ul', {}, problems.map((problem) => h('li', {}, problem))) : null,
    );
    if (problems.length || !formatHours(model)) {
      setChildren(
        preview,
        h('p', { class: 'hint' }, problems.length ? 'L’aperçu attend des plages complètes.' : EMPTY_TEXT),
      );
    } else {
      setChildren(preview, hoursWeekTable(model));
    }
  }

  function restart() {
    model = emptyModel();
    problems = [];
    input.value = '';
    schedule();
    render(`${id}-d0-closed`);
  }

  // --- The string, typed ---

  let timer = null;
  let controller = null;
  let serverValid = true;
  let serverProblem = null;

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, CHECK_DELAY_MS);
  }

  function showFrench(typed) {
    const understood = model ? null : fromFrench(typed);
    french.hidden = !understood;
    if (!understood) return setChildren(french);
    const proposal = formatHours(understood);
    setChildren(
      french,
      h('p', {}, 'Vous avez écrit les horaires en français ; l’éditeur les comprend ainsi :'),
      hoursWeekTable(understood, { caption: 'Horaires compris' }),
      h(
        'button',
        {
          type: 'button',
          class: 'button button-secondary button-compact',
          onclick: () => {
            model = cloneModel(understood);
            problems = [];
            input.value = proposal;
            french.hidden = true;
            setChildren(french);
            schedule();
            render(`${id}-d0-closed`);
          },
        },
        `Utiliser « ${proposal} »`,
      ),
    );
  }

  async function check() {
    controller?.abort();
    const typed = input.value.trim();
    if (!typed) {
      serverValid = true;
      serverProblem = null;
      text.setError(null);
      summary.textContent = EMPTY_TEXT;
      summary.classList.remove('is-week');
      describe();
      return;
    }
    controller = new AbortController();
    try {
      const answer = await api.send('/opening-hours/preview', {
        method: 'POST',
        body: { opening_hours: typed },
        signal: controller.signal,
      });
      serverValid = true;
      serverProblem = null;
      text.setError(null);
      // One unbreakable piece per day, joined as « Lundi : fermé · Mardi : … ».
      const week = weekDays(answer.week).map((day) => h('span', { class: 'week-day' }, day));
      setChildren(
        summary,
        h('span', { class: 'week-label' }, 'Semaine à venir :'),
        ' ',
        ...week.flatMap((day, index) => (index ? [' · ', day] : [day])),
      );
      summary.classList.add('is-week');
    } catch (error) {
      if (isAbort(error)) return;
      if (error.status === 422) {
        serverValid = false;
        serverProblem = error.fieldErrors.opening_hours ?? error.message;
        text.setError(serverProblem);
        summary.textContent = '';
        summary.classList.remove('is-week');
      } else {
        // The check is a help, not a gate: the server checks again when the form is sent.
        summary.textContent = `Vérification impossible pour l’instant : ${error.message}`;
      }
    }
    describe();
  }

  input.addEventListener('input', () => {
    model = parseHours(input.value);
    problems = [];
    openCopy = null;
    showFrench(input.value);
    render();
    schedule();
  });
  render();
  check();

  return {
    field: { ...text, wrapper },
    get valid() {
      return !problems.length && serverValid;
    },
    get problem() {
      return problems[0] ?? serverProblem;
    },
    /** Checks now (before saving). */
    async flush() {
      clearTimeout(timer);
      if (problems.length) return false;
      await check();
      return serverValid;
    },
    destroy() {
      clearTimeout(timer);
      controller?.abort();
    },
  };
}
