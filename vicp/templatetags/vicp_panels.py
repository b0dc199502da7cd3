"""`{% panel "app/_section.html" data %}`: render a section of a page with the data its
view gathered.

Pages are composed of sections owned by different apps. The view (or the composition
layer) reads what each section shows through that app's selectors; this tag only renders
the section's template with that data, so no template asks the database anything.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def panel(context, template_name, data):
    section = context.template.engine.get_template(template_name)
    with context.push(**(data or {})):
        return section.render(context)
