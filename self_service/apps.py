from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    name = "self_service"
    verbose_name = "HR and payroll self-service"

    def ready(self):
        from core.dashboard import register_task_provider
        from core.demo import register_demo_seeder
        from core.navigation import NavItem, register_nav

        from . import dashboard, demo

        register_task_provider(dashboard.self_service_tasks)
        register_nav(NavItem("Self-service", "self_service:my_requests", order=20, prefix="/self-service/"))
        register_demo_seeder("self_service", demo.seed, order=30)

        from core.search import register_help_page, register_search_provider

        from .search import request_results

        register_search_provider("requests", "HR and payroll requests", request_results, order=40)
        for title, url_name, summary, keywords in [
            ("Make an HR or payroll request", "self_service:choose_type",
             "Annual leave, overtime, mileage and expenses, flexible working, changes of details and more.",
             "form holiday leave overtime expenses mileage address name hours device software"),
            ("Book annual leave", "self_service:my_requests",
             "See how much annual leave you have left and book more.", "holiday leave balance entitlement"),
            ("Change your bank details", "self_service:bank_details_new",
             "Change the account your pay goes into.", "bank account sort code pay salary"),
            ("View and download your payslips", "self_service:payslips",
             "Your payslips as PDFs.", "payslip pay salary wages p60"),
            ("Name an acting manager", "self_service:delegations",
             "Let someone approve your team's requests while you are away.", "delegate delegation away cover"),
        ]:
            register_help_page(title, url_name, summary, keywords)
