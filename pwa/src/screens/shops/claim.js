// Réclamer ce commerce, from its public page.
import { h, setChildren } from '../../dom.js';
import { submitForm, textField } from '../../ui/forms.js';

/** « Vous tenez ce commerce ? »: asks the city to manage a shop nobody holds yet (signed in), or says to sign in. */
export function claimSection({ api, shop, auth }) {
  const section = h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'claim-title' },
    h('h2', { id: 'claim-title' }, 'Vous tenez ce commerce ?'),
  );
  const render = (authState) => {
    setChildren(section, section.firstChild);
    if (authState.status !== 'signed-in') {
      section.append(
        h(
          'p',
          {},
          'Connectez-vous pour réclamer ce commerce : la ville vérifiera votre demande, puis vous pourrez gérer sa fiche et son catalogue.',
        ),
        h('a', { class: 'button button-secondary', href: '/compte' }, 'Se connecter'),
      );
      return;
    }
    const message = textField({
      id: 'claim-message',
      name: 'message',
      label: 'Message pour la ville (facultatif)',
      hint: 'Par exemple votre numéro SIRET ou votre fonction dans le commerce.',
      multiline: true,
      required: false,
      rows: '3',
      maxlength: '1000',
    });
    const { form } = submitForm({
      attributes: { 'aria-labelledby': 'claim-title' },
      fields: [message],
      submitLabel: 'Réclamer ce commerce',
      busyLabel: 'Envoi…',
      action: async (values) => {
        await api.authed(`/shops/${encodeURIComponent(shop.id)}/claims`, {
          method: 'POST',
          body: { message: values.message.trim() || null },
        });
        const done = h(
          'p',
          { class: 'notice', role: 'status', tabindex: '-1' },
          'Votre demande est envoyée. La ville la vérifiera et vous pourrez ensuite gérer ce commerce depuis votre espace commerçant.',
        );
        form.replaceWith(done);
        done.focus();
      },
    });
    section.append(
      h(
        'p',
        {},
        'Ce commerce n’a pas encore de commerçant dans l’application. Demandez à le gérer : la ville vérifiera votre demande.',
      ),
      form,
    );
  };
  render(auth.state);
  let lastStatus = auth.state.status;
  const unsubscribe = auth.subscribe((authState) => {
    if (authState.status === lastStatus) return;
    lastStatus = authState.status;
    render(authState);
  });
  return { section, unsubscribe };
}
