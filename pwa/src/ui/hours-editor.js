// The opening-hours field, checked by the server as the merchant types, with the week it means.
import { isAbort } from '../api.js';
import { h, setChildren } from '../dom.js';
import { weekDays } from '../format.js';
import { textField } from './forms.js';

const CHECK_DELAY_MS = 400;
const EMPTY_TEXT = 'Sans horaires, votre fiche affichera « Horaires non renseignés ».';

export function hoursEditor({ api, id, value = '' }) {
  const field = textField({
    id,
    name: 'opening_hours',
    label: 'Horaires d’ouverture',
    hint: 'Au format OpenStreetMap, par exemple « Tu-Sa 09:30-12:30,14:00-19:00; PH off ».',
    required: false,
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    maxlength: '255',
    value,
  });
  const summaryId = `${id}-week`;
  const summary = h('p', { 'id': summaryId, 'class': 'week-summary', 'aria-live': 'polite' });
  field.wrapper.append(
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
  const describe = () => {
    const ids = [`${id}-hint`, field.input.getAttribute('aria-invalid') ? `${id}-error` : null, summaryId];
    field.input.setAttribute('aria-describedby', ids.filter(Boolean).join(' '));
  };

  let timer = null;
  let controller = null;
  let valid = true;
  let problem = null;

  async function check() {
    controller?.abort();
    const text = field.input.value.trim();
    if (!text) {
      valid = true;
      problem = null;
      field.setError(null);
      summary.textContent = EMPTY_TEXT;
      summary.classList.remove('is-week');
      describe();
      return;
    }
    controller = new AbortController();
    try {
      const preview = await api.send('/opening-hours/preview', {
        method: 'POST',
        body: { opening_hours: text },
        signal: controller.signal,
      });
      valid = true;
      problem = null;
      field.setError(null);
      // One unbreakable piece per day, joined as « Lundi : fermé · Mardi : … ».
      const days = weekDays(preview.week).map((text) => h('span', { class: 'week-day' }, text));
      setChildren(
        summary,
        h('span', { class: 'week-label' }, 'Semaine à venir :'),
        ' ',
        ...days.flatMap((day, index) => (index ? [' · ', day] : [day])),
      );
      summary.classList.add('is-week');
    } catch (error) {
      if (isAbort(error)) return;
      if (error.status === 422) {
        valid = false;
        problem = error.fieldErrors.opening_hours ?? error.message;
        field.setError(problem);
        summary.textContent = '';
        summary.classList.remove('is-week');
      } else {
        // The check is a help, not a gate: the server checks again when the form is sent.
        summary.textContent = `Vérification impossible pour l’instant : ${error.message}`;
      }
    }
    describe();
  }

  field.input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, CHECK_DELAY_MS);
  });
  check();

  return {
    field,
    get valid() {
      return valid;
    },
    get problem() {
      return problem;
    },
    /** Checks now (before saving). */
    async flush() {
      clearTimeout(timer);
      await check();
      return valid;
    },
    destroy() {
      clearTimeout(timer);
      controller?.abort();
    },
  };
}
