// Opening hours written in plain French (« du lundi au samedi 9h-12h30 et 14h-19h, fermé le dimanche »),
// read into the editor's model. Every word must be understood, or nothing is proposed: a wrong guess would
// be worse than asking the merchant to use the editor.
import { emptyModel, formatHours, modelProblems, parseHours } from './hours-model.js';

const DAY_WORDS = {
  lundi: 0, lun: 0, mardi: 1, mar: 1, mercredi: 2, mer: 2, jeudi: 3, jeu: 3,
  vendredi: 4, ven: 4, samedi: 5, sam: 5, dimanche: 6, dim: 6,
};
const CLOSED_WORDS = new Set(['ferme', 'fermee', 'fermes', 'fermees', 'fermeture']);
const CONNECTORS = new Set(['-', 'a', 'au', "jusqu'a", 'jusqua']);
const FILLERS = new Set([',', ';', '.', '/', 'et', 'le', 'les', 'la', "l'", 'de', 'du', "d'", 'des', 'ouvert', 'ouverte', 'puis', 'nous', 'sommes', 'est', 'on']);
const TOKEN = /\d{1,2}\s*(?:h|:)\s*(?:\d{2})?|ph\b|[a-z']+|[-,;./]/g;

function normalise(text) {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘`]/g, "'")
    .replace(/[–—]/g, '-')
    .replace(/\bjours? feries?\b|\bferies?\b|\bjf\b/g, ' ph ')
    .replace(/\btous les jours\b/g, ' lundi au dimanche ')
    .replace(/\ben semaine\b/g, ' lundi au vendredi ')
    .replace(/\bweek-?\s?ends?\b/g, ' samedi dimanche ')
    .replace(/\bmidi\b/g, ' 12h ')
    .replace(/\bminuit\b/g, ' 24h ');
}

function tokens(text) {
  const found = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    // Anything the pattern skips over (digits alone, symbols) is a word we do not understand.
    if (text.slice(last, match.index).trim()) return null;
    last = match.index + match[0].length;
    const word = match[0];
    const clock = word.match(/^(\d{1,2})\s*(?:h|:)\s*(\d{2})?$/);
    if (clock) {
      const hours = Number(clock[1]);
      const minutes = Number(clock[2] ?? 0);
      if (hours > 24 || minutes > 59 || (hours === 24 && minutes)) return null;
      found.push({ type: 'time', value: `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}` });
    } else if (word in DAY_WORDS || word.replace(/s$/, '') in DAY_WORDS) {
      found.push({ type: 'day', index: DAY_WORDS[word] ?? DAY_WORDS[word.replace(/s$/, '')] });
    } else if (word === 'ph') {
      found.push({ type: 'ph' });
    } else if (CLOSED_WORDS.has(word)) {
      found.push({ type: 'closed' });
    } else if (CONNECTORS.has(word)) {
      found.push({ type: 'to' });
    } else if (!FILLERS.has(word)) {
      return null;
    }
  }
  return text.slice(last).trim() ? null : found;
}

function newGroup() {
  return { days: [], holidays: false, slots: [], closed: false, closedFirst: false };
}

/** The model for hours written in French, or null when any part of the text is not understood. */
export function fromFrench(text) {
  const items = tokens(normalise(String(text ?? '')));
  if (!items || !items.some((item) => item.type === 'day' || item.type === 'ph')) return null;
  const groups = [];
  let group = newGroup();
  const named = () => group.days.length || group.holidays;
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i];
    if (item.type === 'day' || item.type === 'ph') {
      // Days after a complete rule start the next one; « fermé le dimanche » names its days after the word.
      if (group.slots.length || (group.closed && named() && !group.closedFirst)) {
        groups.push(group);
        group = newGroup();
      }
      if (item.type === 'ph') {
        group.holidays = true;
      } else if (items[i + 1]?.type === 'to' && items[i + 2]?.type === 'day') {
        for (let day = item.index; ; day = (day + 1) % 7) {
          group.days.push(day);
          if (day === items[i + 2].index) break;
        }
        i += 2;
      } else {
        group.days.push(item.index);
      }
    } else if (item.type === 'time') {
      if (items[i + 1]?.type !== 'to' || items[i + 2]?.type !== 'time' || group.closed) return null;
      group.slots.push({ opens: item.value, closes: items[i + 2].value });
      i += 2;
    } else if (item.type === 'closed') {
      if (group.slots.length) {
        groups.push(group);
        group = newGroup();
      }
      group.closed = true;
      group.closedFirst = !named();
    } else {
      return null; // « à » or « - » with nothing on one side
    }
  }
  groups.push(group);
  const model = emptyModel();
  let holidaySlots = null;
  for (const { days, holidays, slots, closed } of groups) {
    if (!(days.length || holidays) || !(slots.length || closed) || (slots.length && closed)) return null;
    for (const day of days) model.days[day] = { closed, slots: slots.map((slot) => ({ ...slot })) };
    if (holidays) holidaySlots = slots;
  }
  if (holidaySlots) {
    model.holidays = holidaySlots.length
      ? { mode: 'own', day: 0, slots: holidaySlots }
      : { mode: 'off', day: 0, slots: [] };
  }
  if (modelProblems(model).length) return null;
  const written = formatHours(model);
  // Written and read back, holidays like a given day become « comme le … ».
  return written ? parseHours(written) : null;
}
