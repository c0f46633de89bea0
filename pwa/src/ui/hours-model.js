// Opening hours as the visual editor sees them — seven days of slots and a rule for public holidays — and
// the OpenStreetMap `opening_hours` string they stand for, both ways. Only the plain part of the syntax is
// understood (days, ranges of days, slots, off, PH); anything else is left to the text field.
import { formatClock } from '../format.js';

export const DAYS = [
  { code: 'Mo', name: 'Lundi' },
  { code: 'Tu', name: 'Mardi' },
  { code: 'We', name: 'Mercredi' },
  { code: 'Th', name: 'Jeudi' },
  { code: 'Fr', name: 'Vendredi' },
  { code: 'Sa', name: 'Samedi' },
  { code: 'Su', name: 'Dimanche' },
];
export const HOLIDAYS_NAME = 'Jours fériés';
export const MAX_SLOTS = 4;

/** Where « copier » sends a day's hours. */
export const COPY_TARGETS = {
  others: { label: 'Sur tous les autres jours', days: [0, 1, 2, 3, 4, 5, 6] },
  weekdays: { label: 'Du lundi au vendredi', days: [0, 1, 2, 3, 4] },
  monSat: { label: 'Du lundi au samedi', days: [0, 1, 2, 3, 4, 5] },
};

const CODES = DAYS.map((day) => day.code);

/** A week with every day closed and public holidays like any other day: the editor's blank page. */
export function emptyModel() {
  return {
    days: DAYS.map(() => ({ closed: true, slots: [] })),
    holidays: { mode: 'normal', day: 0, slots: [] },
  };
}

function cloneSlots(slots) {
  return slots.map((slot) => ({ ...slot }));
}

export function cloneModel(model) {
  return {
    days: model.days.map((day) => ({ closed: day.closed, slots: cloneSlots(day.slots) })),
    holidays: { ...model.holidays, slots: cloneSlots(model.holidays.slots) },
  };
}

/** The model with day `from`'s hours copied onto `targets` (indexes of DAYS). */
export function copyDay(model, from, targets) {
  const copy = cloneModel(model);
  for (const target of targets) {
    if (target === from) continue;
    copy.days[target] = { closed: model.days[from].closed, slots: cloneSlots(model.days[from].slots) };
  }
  return copy;
}

// --- Reading the OpenStreetMap string -------------------------------------------------------------------

const DAY_ITEM = /^([A-Za-z]{2})(?:\s*-\s*([A-Za-z]{2}))?$/;
const SLOT = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/;
const SELECTOR = /^((?:[A-Za-z]{2}\b(?:\s*-\s*[A-Za-z]{2}\b)?\s*,\s*)*[A-Za-z]{2}\b(?:\s*-\s*[A-Za-z]{2}\b)?)\s*(.*)$/;

function time(hours, minutes) {
  return `${String(hours).padStart(2, '0')}:${minutes}`;
}

function minutesOf(text) {
  const [hours, minutes] = text.split(':').map(Number);
  return hours * 60 + minutes;
}

/** ["Mo", "Fr"] → [0, 1, 2, 3, 4]; a range may wrap over the week's end (Fr-Mo). */
function dayIndexes(selector) {
  const indexes = [];
  let holidays = false;
  for (const item of selector.split(',')) {
    const match = item.trim().match(DAY_ITEM);
    if (!match) return null;
    const first = match[1][0].toUpperCase() + match[1][1].toLowerCase();
    if (first === 'Ph' && !match[2]) {
      holidays = true;
      continue;
    }
    const start = CODES.indexOf(first);
    const end = match[2] ? CODES.indexOf(match[2][0].toUpperCase() + match[2][1].toLowerCase()) : start;
    if (start < 0 || end < 0) return null;
    for (let day = start; ; day = (day + 1) % 7) {
      indexes.push(day);
      if (day === end) break;
    }
  }
  return { indexes, holidays };
}

function parseSlots(text) {
  if (/^(off|closed)$/i.test(text)) return [];
  const slots = [];
  for (const part of text.split(',')) {
    const match = part.trim().match(SLOT);
    if (!match) return null;
    const [, oh, om, ch, cm] = match.map(Number);
    const opens = time(oh, match[2]);
    const closes = time(ch, match[4]);
    if (oh > 23 || om > 59 || ch > 24 || cm > 59 || (ch === 24 && cm > 0)) return null;
    // A slot that runs past midnight (22:00-02:00) has no place in one day's row.
    if (minutesOf(closes) <= minutesOf(opens)) return null;
    slots.push({ opens, closes });
  }
  return slots.length <= MAX_SLOTS ? slots : null;
}

function sameSlots(a, b) {
  return a.length === b.length && a.every((slot, i) => slot.opens === b[i].opens && slot.closes === b[i].closes);
}

/**
 * The editor's model for an OpenStreetMap string, or null when the string says more than the editor shows
 * (comments, months, weeks, sunrise, open-ended or overnight slots…). An empty string is an empty week.
 */
export function parseHours(text) {
  const model = emptyModel();
  const source = String(text ?? '').trim();
  if (!source) return model;
  let holidaySlots = null;
  for (const raw of source.split(';')) {
    const rule = raw.trim();
    if (!rule) return null;
    let days = { indexes: [0, 1, 2, 3, 4, 5, 6], holidays: false };
    let rest = rule;
    if (rule === '24/7') {
      rest = '00:00-24:00';
    } else {
      const selector = rule.match(SELECTOR);
      if (selector && !/^(off|closed)$/i.test(selector[1])) {
        days = dayIndexes(selector[1]);
        rest = selector[2];
        if (!days) return null;
      }
    }
    const slots = parseSlots(rest.trim());
    if (!slots) return null;
    // Later rules override earlier ones: a weekday rule after the holidays' rule would reopen holidays that
    // fall on those days, which the editor's « jours fériés » choice cannot say.
    if (holidaySlots && days.indexes.length) return null;
    for (const index of days.indexes) model.days[index] = { closed: !slots.length, slots: cloneSlots(slots) };
    if (days.holidays) holidaySlots = slots;
  }
  if (holidaySlots) {
    if (!holidaySlots.length) {
      model.holidays = { mode: 'off', day: 0, slots: [] };
    } else {
      const same = model.days.findIndex((day) => !day.closed && sameSlots(day.slots, holidaySlots));
      model.holidays =
        same >= 0
          ? { mode: 'day', day: same, slots: [] }
          : { mode: 'own', day: 0, slots: cloneSlots(holidaySlots) };
    }
  }
  return model;
}

// --- Writing it ------------------------------------------------------------------------------------------

function slotsText(slots) {
  return slots.map((slot) => `${slot.opens}-${slot.closes}`).join(',');
}

/** [0, 1, 2, 4] → "Mo-We,Fr"; two days in a row stay a list (Sa,Su), as OpenStreetMap usually writes them. */
function daysText(indexes) {
  const runs = [];
  for (const index of indexes) {
    const run = runs.at(-1);
    if (run && run.at(-1) === index - 1) run.push(index);
    else runs.push([index]);
  }
  return runs
    .map((run) =>
      run.length > 2 ? `${CODES[run[0]]}-${CODES[run.at(-1)]}` : run.map((index) => CODES[index]).join(','),
    )
    .join(',');
}

/** The slots public holidays get, or null when they follow their weekday. */
export function holidaySlots(model) {
  const { mode, day, slots } = model.holidays;
  if (mode === 'off') return [];
  if (mode === 'day') return model.days[day].closed ? [] : model.days[day].slots;
  if (mode === 'own') return slots;
  return null;
}

/**
 * The OpenStreetMap string for a model without problems: days with the same slots share one rule,
 * unmentioned days are closed, public holidays come last so they override. No open day gives "".
 */
export function formatHours(model) {
  const groups = new Map();
  model.days.forEach((day, index) => {
    if (day.closed || !day.slots.length) return;
    const key = slotsText(day.slots);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(index);
  });
  const rules = [...groups].map(([slots, indexes]) => `${daysText(indexes)} ${slots}`);
  const holidays = holidaySlots(model);
  if (holidays && holidays.length) rules.push(`PH ${slotsText(holidays)}`);
  else if (holidays && rules.length) rules.push('PH off');
  return rules.join('; ');
}

// --- Checking it -----------------------------------------------------------------------------------------

function slotProblems(name, slots) {
  const problems = [];
  slots.forEach((slot, index) => {
    const number = slots.length > 1 ? ` ${index + 1}` : '';
    if (!slot.opens || !slot.closes) {
      problems.push(`${name} : indiquez l’heure d’ouverture et de fermeture de la plage${number}.`);
    } else if (minutesOf(slot.closes) <= minutesOf(slot.opens)) {
      problems.push(`${name} : la plage${number} ferme avant d’ouvrir (${slot.opens} – ${slot.closes}).`);
    } else if (index > 0 && slots[index - 1].closes && minutesOf(slot.opens) < minutesOf(slots[index - 1].closes)) {
      problems.push(`${name} : la plage${number} commence avant la fin de la précédente.`);
    }
  });
  return problems;
}

/** What keeps the model from being written, in French, one sentence per problem. */
export function modelProblems(model) {
  const problems = [];
  model.days.forEach((day, index) => {
    if (day.closed) return;
    if (!day.slots.length) problems.push(`${DAYS[index].name} : ajoutez une plage ou cochez « Fermé ».`);
    problems.push(...slotProblems(DAYS[index].name, day.slots));
  });
  if (model.holidays.mode === 'own') {
    if (!model.holidays.slots.length) problems.push(`${HOLIDAYS_NAME} : ajoutez une plage ou choisissez « Fermé ».`);
    problems.push(...slotProblems(HOLIDAYS_NAME, model.holidays.slots));
  }
  return problems;
}

// --- Saying it -------------------------------------------------------------------------------------------

/** « 9 h – 12 h 30, 14 h – 19 h », or « Fermé »; midnight as a closing time is « minuit ». */
export function slotsLabel(slots) {
  if (!slots.length) return 'Fermé';
  const clock = (text) => formatClock(text === '24:00' ? '23:59' : text);
  return slots.map((slot) => `${clock(slot.opens)} – ${clock(slot.closes)}`).join(', ');
}

/** [[« Lundi », « 9 h – 19 h »], …, [« Jours fériés », « Fermé »]] for the week table. */
export function weekRows(model) {
  const rows = model.days.map((day, index) => [DAYS[index].name, slotsLabel(day.closed ? [] : day.slots)]);
  const holidays = holidaySlots(model);
  const { mode, day } = model.holidays;
  let holidayText;
  if (holidays === null) holidayText = 'Selon le jour de la semaine';
  else if (mode === 'day' && holidays.length) holidayText = `${slotsLabel(holidays)} (comme le ${DAYS[day].name.toLowerCase()})`;
  else holidayText = slotsLabel(holidays);
  rows.push([HOLIDAYS_NAME, holidayText]);
  return rows;
}
