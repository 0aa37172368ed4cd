import createDOMPurify from 'dompurify';

// our own instance, so its hooks touch no other use of DOMPurify
const purify = createDOMPurify(window);

// links in task data open in a new tab: a click must not navigate away from the task
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/**
 * Task HTML made inert: no script, no event handler, no `javascript:` URL, nothing that restyles
 * or re-targets the page around it (style sheets, base, forms, frames).
 */
export function sanitizeHtml(html: string): string {
  return purify.sanitize(html, {
    FORBID_TAGS: ['style', 'link', 'base', 'meta', 'form', 'iframe', 'frame', 'object', 'embed'],
    FORBID_ATTR: ['srcdoc', 'formaction'],
  });
}
