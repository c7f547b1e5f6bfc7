"""Read-only editor panels that show imported facts as people read them (issue 12, editors)."""

from wagtail.admin.panels import Panel


class ImportedFactsPanel(Panel):
    """Renders `template` with the page being edited; nothing to submit."""

    def __init__(self, template="", **kwargs):
        super().__init__(**kwargs)
        self.template = template

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "template": self.template}

    class BoundPanel(Panel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.template_name = self.panel.template

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["page"] = self.instance
            return context
